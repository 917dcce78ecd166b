import { Link } from 'react-router-dom';
import { EmptyState } from '../../components/EmptyState.tsx';
import { UsersIcon } from '../../components/Icons.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';

/**
 * Personas: the retailer's customers, one row each, with where they were sourced from. Until a point
 * of sale is connected there are none, and the page says how to get them.
 */
export function PersonasPage() {
  return (
    <div className="page">
      <PageHeader title="Personas" description="Your customers, gathered from the systems you connect to Patron." />
      <EmptyState
        icon={<UsersIcon size={28} />}
        title="No personas yet"
        action={
          <Link to="/settings/integrations" className="btn btn-primary">
            <span>Open Integrations</span>
          </Link>
        }
      >
        <p>
          Connect your point of sale in <Link to="/settings/integrations">Settings &gt; Integrations</Link> to see
          your customers here.
        </p>
      </EmptyState>
    </div>
  );
}
