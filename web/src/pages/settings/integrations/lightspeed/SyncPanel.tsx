import { useEffect, useId, useRef, useState } from 'react';
import { ApiError, isAbort, type Credential } from '../../../../api/client.ts';
import { syncApi, type SyncRun, type SyncState, type SyncStatus } from '../../../../api/sync.ts';
import { Alert } from '../../../../components/Alert.tsx';
import { Button } from '../../../../components/Button.tsx';
import { ConfirmDialog } from '../../../../components/ConfirmDialog.tsx';
import { formatDateTime } from '../../../../lib/format.ts';
import { count } from './wording.ts';

/** Poll quickly while records are being read, slowly otherwise. */
export const SYNC_POLL_FAST_MS = 3_000;
export const SYNC_POLL_SLOW_MS = 30_000;
/** After Sync now / Resync, keep polling quickly this long, until the queued run shows up. */
const FAST_AFTER_ACTION_MS = 60_000;
const QUARANTINE_SHOWN = 5;

const numbers = new Intl.NumberFormat();
const clock = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const shortStamp = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });

/** "Nov 28, 11:34 PM" this year, the full date and time otherwise: the run table stays narrow. */
function runStarted(iso: string): string {
  const date = new Date(iso);
  return date.getFullYear() === new Date().getFullYear() ? shortStamp.format(date) : formatDateTime(iso);
}

type PanelState = { status: 'loading' } | { status: 'loaded'; sync: SyncStatus; stale?: string } | { status: 'error'; message: string };

const TONE: Record<SyncState, string> = {
  backfilling: 'blue',
  up_to_date: 'green',
  rate_limited: 'amber',
  failing: 'red',
  invalid_token: 'red',
  never_synced: 'gray',
};

/** The state in words, e.g. "Backfilling… 12,340 records so far" or "Rate limited until 2:05 PM". */
export function describeSyncState(sync: SyncStatus): string {
  switch (sync.state) {
    case 'backfilling': {
      const records = sync.resources.reduce((total, resource) => total + resource.records, 0);
      return `Backfilling… ${numbers.format(records)} ${records === 1 ? 'record' : 'records'} so far`;
    }
    case 'up_to_date':
      return sync.running ? 'Up to date, checking for changes…' : 'Up to date';
    case 'rate_limited':
      return sync.retryAt ? `Rate limited until ${clock.format(new Date(sync.retryAt))}` : 'Rate limited, retrying soon';
    case 'failing':
      return `Failing: ${sync.lastError ?? 'the last run did not finish'}`;
    case 'invalid_token':
      return 'Token rejected — replace it';
    case 'never_synced':
      return 'Waiting for the first sync';
  }
}

const OUTCOMES: Record<string, string> = {
  running: 'Running…',
  succeeded: 'Succeeded',
  failed: 'Failed',
  rate_limited: 'Rate limited',
  auth_failed: 'Token rejected',
  interrupted: 'Interrupted',
  skipped: 'Skipped',
};

const REASONS: Record<string, string> = {
  manual: 'Sync now',
  resync: 'Resync',
  scheduled: 'Schedule',
  webhook: 'Real-time update',
  connected: 'Connection saved',
  continuation: 'Continued',
  recovery: 'Crash recovery',
};

const words = (value: string) => value.charAt(0).toUpperCase() + value.slice(1).replaceAll('_', ' ');

export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/**
 * "Sync status" of one credential on the connection page: what the sync is doing in words, and when
 * opened the records per resource, quarantined records, the run history, Sync now and Resync from
 * scratch. Polls every 3 s while records are being read, every 30 s otherwise.
 */
export function SyncPanel({ provider, credential, canEdit }: { provider: string; credential: Credential; canEdit: boolean }) {
  const [state, setState] = useState<PanelState>({ status: 'loading' });
  const [open, setOpen] = useState(false);
  const [refresh, setRefresh] = useState(0);
  const [message, setMessage] = useState<{ tone: 'success' | 'error'; text: string }>();
  const [pending, setPending] = useState<'sync' | 'resync'>();
  const [confirmResync, setConfirmResync] = useState(false);
  const fastUntil = useRef(0);
  const detailsId = useId();
  const credentialId = credential.id;

  useEffect(() => {
    let timer: number | undefined;
    let controller: AbortController | undefined;
    let stopped = false;
    let fast = false;
    const poll = async () => {
      if (document.visibilityState !== 'hidden') {
        controller = new AbortController();
        try {
          const sync = await syncApi.status(provider, credentialId, controller.signal);
          fast = sync.running || sync.state === 'backfilling';
          setState({ status: 'loaded', sync });
        } catch (error) {
          if (isAbort(error)) return;
          const text = error instanceof ApiError ? error.message : 'Could not load the sync status.';
          setState((current) => (current.status === 'loaded' ? { ...current, stale: text } : { status: 'error', message: text }));
        }
      }
      if (stopped) return;
      const quick = fast || Date.now() < fastUntil.current;
      timer = window.setTimeout(() => void poll(), quick ? SYNC_POLL_FAST_MS : SYNC_POLL_SLOW_MS);
    };
    void poll();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      controller?.abort();
    };
    // credential.status: a replaced token changes what the sync can do, so look again at once.
  }, [provider, credentialId, credential.status, refresh]);

  const act = async (kind: 'sync' | 'resync') => {
    setPending(kind);
    setMessage(undefined);
    try {
      const result = kind === 'sync' ? await syncApi.syncNow(provider, credentialId) : await syncApi.resync(provider, credentialId);
      const started = kind === 'sync' ? 'Sync queued: it starts in a moment.' : 'Resync queued: Patron reads the whole store again from the start.';
      setMessage({ tone: 'success', text: result.alreadyWaiting ? 'A sync is already waiting to start; it will pick this up.' : started });
      fastUntil.current = Date.now() + FAST_AFTER_ACTION_MS;
      setRefresh((current) => current + 1);
    } catch (error) {
      setMessage({ tone: 'error', text: error instanceof ApiError ? error.message : 'Could not reach Patron. Try again.' });
    } finally {
      setPending(undefined);
      setConfirmResync(false);
    }
  };

  const sync = state.status === 'loaded' ? state.sync : undefined;
  const tone = sync ? TONE[sync.state] : 'gray';

  return (
    <div className="sync-panel" data-testid="sync-panel">
      <div className="sync-panel-head">
        <button type="button" className="sync-toggle" aria-expanded={open} aria-controls={detailsId} onClick={() => setOpen((current) => !current)}>
          <svg className="sync-toggle-chevron" width="14" height="14" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="m9 6 6 6-6 6" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
          Sync status
        </button>
        <span className={`sync-state sync-state-${tone}`} data-testid="sync-state" aria-live="polite">
          <span className="sync-dot" aria-hidden="true" />
          {state.status === 'loading' && 'Checking…'}
          {state.status === 'error' && state.message}
          {sync && describeSyncState(sync)}
        </span>
      </div>
      {sync?.state === 'backfilling' && <progress className="sync-progress" aria-label={`Backfill of ${credential.storeName} in progress`} />}

      <div id={detailsId} className="sync-details" hidden={!open}>
        {state.status === 'loaded' && state.stale && <p className="field-error">Could not refresh: {state.stale}</p>}
        {message && <Alert tone={message.tone}>{message.text}</Alert>}
        {sync && <SyncDetails sync={sync} storeName={credential.storeName} />}
        {canEdit && (
          <div className="sync-actions">
            <Button variant="secondary" busy={pending === 'sync'} disabled={pending === 'resync' || credential.status === 'invalid'} onClick={() => void act('sync')}>
              Sync now
            </Button>
            <Button variant="ghost" disabled={pending !== undefined} onClick={() => setConfirmResync(true)}>
              Resync from scratch
            </Button>
            {credential.status === 'invalid' && <span className="muted">Replace the token to sync again.</span>}
          </div>
        )}
      </div>

      {confirmResync && (
        <ConfirmDialog
          title={`Resync ${credential.storeName} from scratch?`}
          onCancel={() => setConfirmResync(false)}
          busy={pending === 'resync'}
          actions={
            <Button busy={pending === 'resync'} onClick={() => void act('resync')}>
              Resync from scratch
            </Button>
          }
        >
          <p>
            Patron forgets where each resource stopped and reads every customer, sale and outlet of {credential.storeAddress} again. Nothing
            already synced is deleted: records are updated as they are read.
          </p>
          <p>For a large store this can take a while and uses part of your Lightspeed rate limit.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}

function SyncDetails({ sync, storeName }: { sync: SyncStatus; storeName: string }) {
  return (
    <>
      <dl className="credential-facts sync-facts">
        <div>
          <dt>Last successful sync</dt>
          <dd>{sync.lastSuccessAt ? formatDateTime(sync.lastSuccessAt) : 'None yet'}</dd>
        </div>
        <div>
          <dt>Real-time updates</dt>
          <dd>{realtimeWords(sync)}</dd>
        </div>
        {sync.resources.map((resource) => (
          <div key={resource.resource}>
            <dt>{words(resource.resource)}</dt>
            <dd>{numbers.format(resource.records)}</dd>
          </div>
        ))}
      </dl>

      {sync.quarantinedCount > 0 && (
        <div className="sync-quarantine">
          <p className="sync-subtitle">{count(sync.quarantinedCount, 'record')} could not be synced and {sync.quarantinedCount === 1 ? 'was' : 'were'} set aside</p>
          <ul>
            {sync.quarantined.slice(0, QUARANTINE_SHOWN).map((record) => (
              <li key={`${record.resource}:${record.externalId}`}>
                <span className="mono">
                  {words(record.resource)} {record.externalId.slice(0, 8)}
                </span>
                : {record.error}
              </li>
            ))}
          </ul>
          {sync.quarantinedCount > QUARANTINE_SHOWN && <p className="muted">and {numbers.format(sync.quarantinedCount - QUARANTINE_SHOWN)} more.</p>}
        </div>
      )}

      {sync.runs.length === 0 ? (
        <p className="muted">No sync has run yet.</p>
      ) : (
        <RunHistory runs={sync.runs} storeName={storeName} />
      )}
    </>
  );
}

function realtimeWords(sync: SyncStatus): string {
  const { realtime } = sync;
  switch (realtime.state) {
    case 'registered':
      return realtime.lastDeliveryAt ? `On, last update ${formatDateTime(realtime.lastDeliveryAt)}` : 'On, no update received yet';
    case 'failed':
      return `Could not be turned on${realtime.error ? `: ${realtime.error}` : ''}`;
    default:
      return 'Off';
  }
}

function RunHistory({ runs, storeName }: { runs: SyncRun[]; storeName: string }) {
  const captionId = useId();
  return (
    <div className="table-wrap sync-runs">
      <table className="table" aria-labelledby={captionId}>
        <caption id={captionId} className="sync-subtitle">
          Sync history of {storeName}
        </caption>
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">Trigger</th>
            <th scope="col">Duration</th>
            <th scope="col" className="num">
              Pages
            </th>
            <th scope="col" className="num">
              Records
            </th>
            <th scope="col" className="num">
              Requests
            </th>
            <th scope="col">Outcome</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id}>
              <td>
                <time dateTime={run.startedAt} title={formatDateTime(run.startedAt)}>
                  {runStarted(run.startedAt)}
                </time>
              </td>
              <td>{REASONS[run.reason] ?? words(run.reason)}</td>
              <td>{run.outcome === 'running' ? 'Running' : formatDuration(run.durationMs)}</td>
              <td className="num">{numbers.format(run.pages)}</td>
              <td className="num">{numbers.format(run.records)}</td>
              <td className="num">{numbers.format(run.requests)}</td>
              <td>
                <span className={`run-outcome run-outcome-${run.outcome}`}>{OUTCOMES[run.outcome] ?? words(run.outcome)}</span>
                {run.error && <span className="run-error">{run.error}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
