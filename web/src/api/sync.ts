/** The sync panel's view of one credential: status, history, Sync now and Resync from scratch. */
import { request } from './client.ts';

export type SyncState = 'backfilling' | 'up_to_date' | 'rate_limited' | 'failing' | 'invalid_token' | 'never_synced';

export type SyncRun = {
  id: string;
  reason: string;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  pages: number;
  records: number;
  requests: number;
  /** 'running', 'succeeded', 'failed', 'rate_limited', 'auth_failed', … */
  outcome: string;
  error: string | null;
};

export type RealtimeState = 'off' | 'registered' | 'removed' | 'failed';

export type SyncStatus = {
  state: SyncState;
  running: boolean;
  retryAt?: string;
  lastSuccessAt: string | null;
  lastError?: string;
  resources: Array<{ resource: string; records: number; updatedAt: string }>;
  quarantined: Array<{ resource: string; externalId: string; error: string; lastSeenAt: string }>;
  quarantinedCount: number;
  runs: SyncRun[];
  realtime: { state: RealtimeState; error: string | null; eventTypes: string[]; attemptedAt: string | null; lastDeliveryAt: string | null };
};

export type SyncQueued = { queued: true; alreadyWaiting: boolean };

const syncPath = (provider: string, credentialId: string) =>
  `/api/connections/${encodeURIComponent(provider)}/credentials/${encodeURIComponent(credentialId)}`;

export const syncApi = {
  status: (provider: string, credentialId: string, signal?: AbortSignal) =>
    request<SyncStatus>('GET', `${syncPath(provider, credentialId)}/sync`, undefined, signal),
  syncNow: (provider: string, credentialId: string) => request<SyncQueued>('POST', `${syncPath(provider, credentialId)}/sync`, {}),
  resync: (provider: string, credentialId: string) => request<SyncQueued>('POST', `${syncPath(provider, credentialId)}/resync`, {}),
};
