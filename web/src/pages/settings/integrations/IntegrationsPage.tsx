import { useEffect, useId, useRef, useState } from 'react';
import { SearchInput } from '../../../components/SearchInput.tsx';
import { Link, useSearchParams } from 'react-router-dom';
import { api, ApiError, isAbort, type IntegrationSummary } from '../../../api/client.ts';
import { Alert } from '../../../components/Alert.tsx';
import { Button } from '../../../components/Button.tsx';
import { EmptyState } from '../../../components/EmptyState.tsx';
import { PlugIcon } from '../../../components/Icons.tsx';
import { Loading } from '../../../components/Loading.tsx';
import { PageHeader } from '../../../components/PageHeader.tsx';

/** How long typing must pause before the search goes to the server. */
const SEARCH_DELAY_MS = 200;

type ResultsState =
  | { status: 'loading' }
  | { status: 'loaded'; query: string; integrations: IntegrationSummary[] }
  | { status: 'error'; message: string };

/** Where each integration's Connect button leads. */
export function connectionPath(integrationId: string): string {
  return `/settings/integrations/${integrationId}`;
}

/**
 * Settings > Integrations: the catalog of point-of-sale connections, searched on the server by name
 * and former names (Lightspeed, X-Series, Vend), each with a green Connect button. The search is kept
 * in the address (?q=) so Back returns to the same results.
 */
export function IntegrationsPage() {
  const [searchParams, setSearchParams] = useSearchParams();
  const query = searchParams.get('q') ?? '';
  const [input, setInput] = useState(query);
  const [results, setResults] = useState<ResultsState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const searchId = useId();

  const pushedQuery = useRef(query);

  // Back and Forward change the address: the box follows it (but not an echo of our own typing).
  useEffect(() => {
    if (query !== pushedQuery.current) setInput(query);
    pushedQuery.current = query;
  }, [query]);

  // Typing updates the box at once and the address (and so the search) after a short pause.
  useEffect(() => {
    if (input === query) return;
    const timer = window.setTimeout(() => {
      pushedQuery.current = input;
      setSearchParams(input ? { q: input } : {}, { replace: true });
    }, SEARCH_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [input, query, setSearchParams]);

  useEffect(() => {
    const controller = new AbortController();
    const trimmed = query.trim();
    api.integrations(trimmed, controller.signal).then(
      (result) => setResults({ status: 'loaded', query: trimmed, integrations: result.integrations }),
      (error: unknown) => {
        if (isAbort(error)) return;
        setResults({ status: 'error', message: error instanceof ApiError ? error.message : 'Could not load the integrations.' });
      },
    );
    return () => controller.abort();
  }, [query, attempt]);

  const clearSearch = () => {
    pushedQuery.current = '';
    setInput('');
    setSearchParams({}, { replace: true });
  };

  const searching = input.trim() !== (results.status === 'loaded' ? results.query : '') || results.status === 'loading';

  return (
    <div className="page">
      <PageHeader
        title="Integrations"
        description="Connect your point of sale so Patron can bring in your customers, stores and sales."
        actions={
          <Link to="/settings/integrations/grid" className="btn btn-secondary">
            Integration Grid
          </Link>
        }
      />

      <form className="search" role="search" onSubmit={(event) => event.preventDefault()}>
        <label htmlFor={searchId} className="field-label">
          Search integrations
        </label>
        <SearchInput id={searchId} placeholder="Search by name, e.g. Lightspeed" value={input} onChange={setInput} onClear={clearSearch} />
        <p className="field-hint">
          Search by name or former name. The <Link to="/settings/integrations/grid">Integration Grid</Link> shows what each one
          supports.
        </p>
      </form>

      <p className="visually-hidden" role="status" aria-live="polite">
        {results.status === 'loaded' && !searching ? resultSummary(results.integrations.length, results.query) : ''}
      </p>

      {results.status === 'loading' && <Loading label="Loading integrations…" />}
      {results.status === 'error' && (
        <Alert title="Could not load the integrations">
          <p>{results.message}</p>
          <Button variant="secondary" className="alert-action" onClick={() => setAttempt((current) => current + 1)}>
            Try again
          </Button>
        </Alert>
      )}
      {results.status === 'loaded' && results.integrations.length === 0 && (
        <EmptyState
          icon={<PlugIcon size={28} />}
          title={results.query ? `No integration matches “${results.query}”` : 'No integrations available yet'}
          action={
            results.query ? (
              <Button variant="secondary" onClick={clearSearch}>
                Show all integrations
              </Button>
            ) : undefined
          }
        >
          {results.query ? (
            <p>Check the spelling, or search for your point of sale by another name: Lightspeed X-Series was formerly Vend.</p>
          ) : (
            <p>Point-of-sale connections will be listed here, each with a Connect button.</p>
          )}
        </EmptyState>
      )}
      {results.status === 'loaded' && results.integrations.length > 0 && (
        <ul className={searching ? 'integration-list is-stale' : 'integration-list'} aria-label="Integrations">
          {results.integrations.map((integration) => (
            <IntegrationCard key={integration.id} integration={integration} />
          ))}
        </ul>
      )}
    </div>
  );
}

function resultSummary(count: number, query: string): string {
  const found = count === 1 ? '1 integration' : `${count} integrations`;
  return query ? `${found} found for “${query}”.` : `${found} available.`;
}

function IntegrationCard({ integration }: { integration: IntegrationSummary }) {
  const titleId = useId();
  const connected = integration.credentialCount;
  return (
    <li className="card integration-card" aria-labelledby={titleId}>
      <span className="integration-logo" aria-hidden="true">
        {monogram(integration.name)}
      </span>
      <div className="integration-text">
        <div className="integration-title-row">
          <h2 className="card-title" id={titleId}>
            {integration.name}
          </h2>
          <span className="badge">{integration.category}</span>
          {connected > 0 && (
            <span className="badge badge-green" data-testid="connected-count">
              Connected: {connected === 1 ? '1 store' : `${connected} stores`}
            </span>
          )}
        </div>
        <p className="integration-description">{integration.description}</p>
      </div>
      <Link to={connectionPath(integration.id)} className="btn btn-primary integration-connect" aria-describedby={titleId}>
        Connect
      </Link>
    </li>
  );
}

/** Two letters standing in for a logo (no images load from elsewhere): "Lightspeed X-Series" → "LX". */
function monogram(name: string): string {
  const words = name.split(/[\s-]+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]?.[0], words[1]?.[0]] : [name[0], name[1]];
  return letters.filter(Boolean).join('').toUpperCase();
}
