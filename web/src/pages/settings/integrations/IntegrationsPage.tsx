import { Link } from 'react-router-dom';
import { EmptyState } from '../../../components/EmptyState.tsx';
import { PlugIcon } from '../../../components/Icons.tsx';
import { PageHeader } from '../../../components/PageHeader.tsx';

/**
 * Integrations: where a point of sale (Lightspeed Retail X-Series first) gets connected. The catalog
 * is not served by the API yet, so the page says so rather than showing cards that do nothing.
 */
export function IntegrationsPage() {
  return (
    <div className="page">
      <PageHeader
        title="Integrations"
        description="Connect your point of sale so Patron can bring in your customers, stores and sales."
      />
      <EmptyState icon={<PlugIcon size={28} />} title="No integrations available yet">
        <p>
          Point-of-sale connections are not available in this version of Patron yet. When they are, you will find them here,
          each with a Connect button.
        </p>
        <p className="muted">
          Meanwhile you can set up your team in <Link to="/settings/company">Company Account</Link>.
        </p>
      </EmptyState>
    </div>
  );
}
