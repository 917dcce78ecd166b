import { Link } from 'react-router-dom';
import { EmptyState } from '../../../components/EmptyState.tsx';
import { StoreIcon } from '../../../components/Icons.tsx';
import { PageHeader } from '../../../components/PageHeader.tsx';

/** Company Account > Retail Store: the company's stores, each mapped to its point-of-sale outlet. */
export function RetailStorePage() {
  return (
    <div className="page">
      <PageHeader
        title="Retail Store"
        breadcrumb={
          <>
            <Link to="/settings/company">Company Account</Link>
            <span aria-hidden="true" className="breadcrumb-sep">
              /
            </span>
            <span aria-current="page">Retail Store</span>
          </>
        }
        description="Your stores, and how each one maps to a location in your point of sale."
      />
      <EmptyState icon={<StoreIcon size={28} />} title="No stores yet">
        <p>
          Stores appear here once your point of sale is connected in{' '}
          <Link to="/settings/integrations">Settings &gt; Integrations</Link>. You can then edit each store to map it to its
          point-of-sale location.
        </p>
      </EmptyState>
    </div>
  );
}
