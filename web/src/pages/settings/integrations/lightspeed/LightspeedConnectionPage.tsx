import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, ApiError, isAbort, type ConnectionPage, type Credential } from '../../../../api/client.ts';
import { useSession } from '../../../../app/auth.tsx';
import { Alert } from '../../../../components/Alert.tsx';
import { Button } from '../../../../components/Button.tsx';
import { Loading } from '../../../../components/Loading.tsx';
import { PageHeader } from '../../../../components/PageHeader.tsx';
import { ConnectionSettingsForm } from './ConnectionSettingsForm.tsx';
import { CredentialsSection, type CredentialNotice } from './CredentialsSection.tsx';

export const LIGHTSPEED_PROVIDER = 'lightspeed-x';

type PageState = { status: 'loading' } | { status: 'loaded'; data: ConnectionPage } | { status: 'error'; message: string };

/**
 * Settings > Integrations > Lightspeed X-Series, in the order the set-up goes: where to get a token,
 * the Credentials (one per store), the Loyalty age gate, the optional Integration Settings, and the
 * Update Connection button that saves and starts the sync.
 */
export function LightspeedConnectionPage() {
  const { user } = useSession();
  const canEdit = user.role === 'admin';
  const [state, setState] = useState<PageState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [credentialNotice, setCredentialNotice] = useState<CredentialNotice>();

  useEffect(() => {
    const controller = new AbortController();
    api.connection(LIGHTSPEED_PROVIDER, controller.signal).then(
      (data) => setState({ status: 'loaded', data }),
      (error: unknown) => {
        if (isAbort(error)) return;
        setState({ status: 'error', message: error instanceof ApiError ? error.message : 'Could not load the connection.' });
      },
    );
    return () => controller.abort();
  }, [attempt]);

  const setCredentials = useCallback((update: (credentials: Credential[]) => Credential[]) => {
    setState((current) =>
      current.status === 'loaded'
        ? { ...current, data: { ...current.data, connection: { ...current.data.connection, credentials: update(current.data.connection.credentials) } } }
        : current,
    );
  }, []);

  const name = state.status === 'loaded' ? state.data.integration.name : 'Lightspeed X-Series';

  return (
    <div className="page page-narrow">
      <PageHeader
        title={name}
        breadcrumb={
          <>
            <Link to="/settings/integrations">Integrations</Link>
            <span aria-hidden="true" className="breadcrumb-sep">
              /
            </span>
            <span aria-current="page">{name}</span>
          </>
        }
        description="Brings your customers, sales and outlets in from Lightspeed Retail X-Series (formerly Vend) and keeps them in sync."
      />

      <TokenHelp />

      {state.status === 'loading' && <Loading label="Loading the connection…" />}
      {state.status === 'error' && (
        <Alert title="Could not load the connection">
          <p>{state.message}</p>
          <Button variant="secondary" className="alert-action" onClick={() => setAttempt((current) => current + 1)}>
            Try again
          </Button>
        </Alert>
      )}
      {state.status === 'loaded' && (
        <>
          {!canEdit && <Alert tone="info">Only an admin can add credentials or change this connection. You can see how it is set up.</Alert>}
          <CredentialsSection
            provider={LIGHTSPEED_PROVIDER}
            labels={state.data.integration.credentialLabels}
            credentials={state.data.connection.credentials}
            canEdit={canEdit}
            onCredentialsChange={setCredentials}
            notice={credentialNotice}
            onNotice={setCredentialNotice}
          />
          <ConnectionSettingsForm
            provider={LIGHTSPEED_PROVIDER}
            connection={state.data.connection}
            realtimeAvailable={state.data.realtimeAvailable}
            canEdit={canEdit}
            onSaved={(connection) => {
              // "Click Update Connection to start syncing" has just been done: the saved message takes over.
              setCredentialNotice(undefined);
              setState((current) => (current.status === 'loaded' ? { ...current, data: { ...current.data, connection } } : current));
            }}
          />
        </>
      )}
    </div>
  );
}

/** Where the token comes from, in Lightspeed's own menu words. */
function TokenHelp() {
  return (
    <aside className="callout" aria-labelledby="token-help-heading">
      <h2 className="callout-title" id="token-help-heading">
        Before you start: get a personal token from Lightspeed
      </h2>
      <ol className="callout-steps">
        <li>
          In Lightspeed, open <strong>Setup &gt; Personal Tokens</strong> and choose <strong>Add personal token</strong>.
        </li>
        <li>
          Name it <strong>Patron</strong> and untick <strong>Allow personal tokens to expire</strong>, so the connection does not
          stop one day.
        </li>
        <li>
          Generate the token and copy it straight away: Lightspeed shows it only once.
        </li>
      </ol>
    </aside>
  );
}
