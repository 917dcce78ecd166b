import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, ApiError, isAbort, type IntegrationGrid } from '../../../api/client.ts';
import { Alert } from '../../../components/Alert.tsx';
import { Button } from '../../../components/Button.tsx';
import { Loading } from '../../../components/Loading.tsx';
import { PageHeader } from '../../../components/PageHeader.tsx';
import { connectionPath } from './IntegrationsPage.tsx';

type GridState = { status: 'loading' } | { status: 'loaded'; grid: IntegrationGrid } | { status: 'error'; message: string };

/**
 * The Integration Grid: one row per integration, one column per feature, each cell saying whether
 * Patron supports that feature for that integration today. The server marks a feature supported only
 * once it is built and tested, so the grid never promises more than the code does.
 */
export function IntegrationGridPage() {
  const [state, setState] = useState<GridState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    api.integrationGrid(controller.signal).then(
      (grid) => setState({ status: 'loaded', grid }),
      (error: unknown) => {
        if (isAbort(error)) return;
        setState({ status: 'error', message: error instanceof ApiError ? error.message : 'Could not load the Integration Grid.' });
      },
    );
    return () => controller.abort();
  }, [attempt]);

  return (
    <div className="page">
      <PageHeader
        title="Integration Grid"
        breadcrumb={
          <>
            <Link to="/settings/integrations">Integrations</Link>
            <span aria-hidden="true" className="breadcrumb-sep">
              /
            </span>
            <span aria-current="page">Integration Grid</span>
          </>
        }
        description="What Patron brings in from each integration, feature by feature."
      />

      {state.status === 'loading' && <Loading label="Loading the Integration Grid…" />}
      {state.status === 'error' && (
        <Alert title="Could not load the Integration Grid">
          <p>{state.message}</p>
          <Button variant="secondary" className="alert-action" onClick={() => setAttempt((current) => current + 1)}>
            Try again
          </Button>
        </Alert>
      )}
      {state.status === 'loaded' && <GridTable grid={state.grid} />}
    </div>
  );
}

function GridTable({ grid }: { grid: IntegrationGrid }) {
  return (
    <section className="card" aria-labelledby="grid-heading">
      <div className="card-header">
        <h2 className="card-title" id="grid-heading">
          Supported features
        </h2>
        <p className="muted">{grid.integrations.length === 1 ? '1 integration' : `${grid.integrations.length} integrations`}</p>
      </div>
      <div className="table-wrap">
        <table className="table grid-table" aria-labelledby="grid-heading">
          <thead>
            <tr>
              <th scope="col">Integration</th>
              {grid.features.map((feature) => (
                <th scope="col" key={feature.id}>
                  {unbrokenHyphens(feature.label)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {grid.integrations.map((integration) => (
              <tr key={integration.id}>
                <th scope="row">
                  <Link to={connectionPath(integration.id)} className="grid-name">
                    {integration.name}
                  </Link>
                  <span className="grid-category">{integration.category}</span>
                </th>
                {grid.features.map((feature) => (
                  <td key={feature.id} className="grid-cell">
                    <FeatureCell supported={integration.features[feature.id] === true} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** A symbol for the eye and a word for everyone: the word is what screen readers announce. */
function FeatureCell({ supported }: { supported: boolean }) {
  return supported ? (
    <span className="grid-value grid-value-yes">
      <span className="grid-mark" aria-hidden="true">
        ✓
      </span>
      Supported
    </span>
  ) : (
    <span className="grid-value grid-value-no">
      <span className="grid-mark" aria-hidden="true">
        —
      </span>
      Not yet
    </span>
  );
}

/** "Real-time" should wrap as a whole word, never as "Real-" / "time". */
function unbrokenHyphens(label: string): string {
  return label.replace(/-/g, '\u2011');
}
