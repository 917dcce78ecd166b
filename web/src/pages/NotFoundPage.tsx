import { Link } from 'react-router-dom';
import { EmptyState } from '../components/EmptyState.tsx';
import { PageHeader } from '../components/PageHeader.tsx';

export function NotFoundPage() {
  return (
    <div className="page">
      <PageHeader title="Page not found" />
      <EmptyState title="There is no page at this address" action={<Link to="/personas" className="btn btn-primary"><span>Go to Personas</span></Link>}>
        <p>The link may be out of date. Use the menu above to find your way.</p>
      </EmptyState>
    </div>
  );
}
