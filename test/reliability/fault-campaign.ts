import { setTimeout as sleep } from 'node:timers/promises';
import type { Emulator, FaultRule, Store } from '../../emulator/index.ts';
import type { Db } from '../../src/db/database.ts';
import { replaceCredentialToken } from '../../src/integrations/connections.ts';
import type { Connectors } from '../../src/integrations/connectors.ts';
import type { PageItem, PosConnector } from '../../src/integrations/connector.ts';
import { LightspeedClient } from '../../src/integrations/lightspeed-x/client.ts';
import { normalizeRecord } from '../../src/integrations/lightspeed-x/normalize.ts';
import { resourceNames, type ResourceName } from '../../src/integrations/lightspeed-x/resources.ts';
import { createLogger } from '../../src/logger.ts';
import { createSyncDeps } from '../../src/sync/sync-deps.ts';
import { runCredentialSync } from '../../src/sync/sync-runner.ts';
import { connectStore } from '../helpers/connected-store.ts';
import { LiveChanges, seededRandom } from './live-changes.ts';
import { verifyAgainstEmulator, type Verification } from './verify.ts';

/** A client timeout short enough that a "delay" fault can outlast it without slowing the campaign much. */
export const CAMPAIGN_CLIENT_TIMEOUT_MS = 1500;

/** The faults of a campaign, drawn at random for every request (seeded, so a run can be replayed). */
export function campaignFaults(scale = 1): FaultRule[] {
  const p = (value: number) => Math.min(1, value * scale);
  return [
    { kind: 'rate_limit', probability: p(0.006) },
    { kind: 'status', status: 500, probability: p(0.02) },
    { kind: 'status', status: 502, probability: p(0.008) },
    { kind: 'status', status: 503, probability: p(0.008) },
    { kind: 'reset', probability: p(0.012) },
    { kind: 'truncate', probability: p(0.012) },
    { kind: 'malformed', probability: p(0.012) },
    { kind: 'duplicate_page', probability: p(0.03) },
    { kind: 'overlap_page', probability: p(0.03) },
    { kind: 'delay', delayMs: CAMPAIGN_CLIENT_TIMEOUT_MS + 1000, probability: p(0.005) },
  ];
}

/**
 * The real Lightspeed connector, except that its reader gives up on a request after
 * CAMPAIGN_CLIENT_TIMEOUT_MS (production waits 30 s) so that timeouts are part of the campaign.
 * The pages are read, validated and normalized by the product's own client and normalizer.
 */
export function shortTimeoutConnectors(real: Connectors, baseUrlTemplate: string): Connectors {
  const lightspeed = real['lightspeed-x']!;
  const connector: PosConnector = {
    ...lightspeed,
    createReader(input) {
      const client = new LightspeedClient({ baseUrlTemplate, domainPrefix: input.storeAddress, token: input.token, onRequest: input.onRequest, timeoutMs: CAMPAIGN_CLIENT_TIMEOUT_MS });
      return {
        resources: resourceNames,
        async *pages(resource, after) {
          const name = resource as ResourceName;
          for await (const page of client.pages(name, { after })) {
            yield { cursor: page.cursor, items: page.records.map((raw): PageItem => readItem(name, raw)) };
          }
        },
      };
    },
  };
  return { ...real, 'lightspeed-x': connector };
}

function readItem(resource: ResourceName, raw: unknown): PageItem {
  const externalId = String((raw as { id?: unknown } | null)?.id ?? '(no id)');
  const parsed = LightspeedClient.parseRecord(resource, raw);
  if (!parsed.ok) return { ok: false, externalId, error: parsed.error, payload: raw };
  try {
    return { ok: true, record: normalizeRecord(resource, parsed.record) };
  } catch (error) {
    return { ok: false, externalId, error: (error as Error).message, payload: raw };
  }
}

export type FaultCampaignOptions = {
  db: Db;
  emulator: Emulator;
  domainPrefix: string;
  seconds: number;
  seed: number;
  customers: number;
  sales: number;
  /** Largest page the emulator serves (sales are capped at 500, as Lightspeed does). */
  pageSize?: number;
  /** Fault probabilities are multiplied by this (1 = the campaign's default mix). */
  faultScale?: number;
  log?: (line: string) => void;
};

export type FaultCampaignFigures = Verification & {
  seed: number;
  durationMs: number;
  faultsInjected: number;
  faultsByKind: Record<string, number>;
  requests: number;
  runs: number;
  runsSucceeded: number;
  transientFailures: number;
  rateLimitWaits: number;
  rateLimitWaitMs: number;
  tokenRevokedAndReplaced: boolean;
  liveChanges: number;
  liveChangesByKind: Record<string, number>;
  quarantined: number;
};

/**
 * One fault campaign: a store of a few thousand records changes all the time while Patron syncs it
 * over and over through random faults, exactly as the job queue would drive it (a thrown error is
 * retried after a short back-off, a rate-limited result waits until its `retryAt`, a revoked token
 * stops the credential until the retailer replaces it). Then faults stop, one last sync runs, and
 * everything is compared with the emulator's truth.
 */
export async function runFaultCampaign(options: FaultCampaignOptions): Promise<FaultCampaignFigures> {
  const { db, emulator, domainPrefix } = options;
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const store: Store = emulator.createStore({ domainPrefix, customers: options.customers, sales: options.sales, seed: options.seed, config: { pageSizeMax: options.pageSize ?? 1000, salesPageSizeMax: Math.min(500, options.pageSize ?? 500) } });
  // A short window: a 429 asks for a wait of seconds, not minutes (the limit itself stays the real one).
  store.setRateLimit({ enabled: true, windowMs: 1000 });
  const connected = await connectStore(db, emulator, domainPrefix);
  const connectors = shortTimeoutConnectors(connected.connectors, emulator.baseUrlTemplate);
  const deps = createSyncDeps({ db, secretKey: connected.secretKey, connectors, logger: createLogger('silent') });
  const random = seededRandom(options.seed);
  const changes = new LiveChanges(store, random);
  emulator.requestLog.reset(domainPrefix);
  store.setFaults(campaignFaults(options.faultScale ?? 1), options.seed);
  // One of each kind is armed up-front, each on its own resource so they land on different
  // requests: every kind is exercised however the random draws fall.
  const armed: Array<[FaultRule['kind'], string]> = [
    ['rate_limit', '/outlets'],
    ['status', '/registers'],
    ['reset', '/users'],
    ['truncate', '/customer_groups'],
    ['malformed', '/products'],
    ['duplicate_page', '/customers'],
    ['overlap_page', '/sales'],
  ];
  for (const [kind, path] of armed) store.faults.add({ kind, path: `/api/2.0${path}`, count: 1, ...(kind === 'status' ? { status: 503 } : {}) });

  // The shop keeps trading during the syncs, between any two pages.
  const trading = setInterval(() => {
    for (let i = random.int(4); i > 0; i--) changes.step();
  }, 60);

  const figures = { runs: 0, runsSucceeded: 0, transientFailures: 0, rateLimitWaits: 0, rateLimitWaitMs: 0, tokenRevokedAndReplaced: false };
  let token = store.token;
  let revokedAt: number | undefined;
  const revokeAfter = started + options.seconds * 400;
  let consecutiveFailures = 0;
  try {
    while (Date.now() - started < options.seconds * 1000) {
      if (revokedAt === undefined && Date.now() > revokeAfter) {
        // The retailer revokes the token in Lightspeed; Patron finds out on its next request.
        store.revokeToken(token);
        revokedAt = Date.now();
        log(`token revoked after ${revokedAt - started} ms`);
      }
      figures.runs++;
      const runStarted = Date.now();
      let result;
      try {
        result = await runCredentialSync(deps, connected.credentialId, { reason: 'campaign', maxRunMs: 5_000 });
        consecutiveFailures = 0;
      } catch (error) {
        figures.transientFailures++;
        if (process.env.CAMPAIGN_TRACE) log(`run ${figures.runs}: threw after ${Date.now() - runStarted} ms: ${(error as Error).message}`);
        if (++consecutiveFailures > 60) throw new Error(`60 failed runs in a row; last: ${(error as Error).message}`);
        // The job queue's back-off, compressed.
        await sleep(20 + random.int(80));
        continue;
      }
      if (process.env.CAMPAIGN_TRACE) log(`run ${figures.runs}: ${result.outcome} in ${Date.now() - runStarted} ms ${'pages' in result ? `${result.pages} pages ${result.records} records` : ''}`);
      if (result.outcome === 'succeeded') {
        figures.runsSucceeded++;
      } else if (result.outcome === 'rate_limited') {
        const waitMs = Math.max(0, result.retryAt.getTime() - Date.now());
        if (waitMs > 10_000) throw new Error(`a rate-limited run asked to wait ${waitMs} ms`);
        figures.rateLimitWaits++;
        figures.rateLimitWaitMs += waitMs;
        await sleep(waitMs);
      } else if (result.outcome === 'auth_failed') {
        if (revokedAt === undefined) throw new Error('the credential was rejected although its token was never revoked');
        log('credential marked invalid; runs are skipped until the token is replaced');
      } else if (result.outcome === 'skipped') {
        if (revokedAt === undefined || figures.tokenRevokedAndReplaced || !/invalid/.test(result.reason)) throw new Error(`a run was skipped: ${result.reason}`);
        // The shop trades on while nobody syncs; the retailer replaces the token a little later.
        if (Date.now() - revokedAt > 1500) await replaceRevokedToken();
        else await sleep(200);
      }
    }
    if (revokedAt !== undefined && !figures.tokenRevokedAndReplaced) await replaceRevokedToken();
  } finally {
    clearInterval(trading);
  }

  async function replaceRevokedToken(): Promise<void> {
    // The retailer generates a new token and pastes it into Replace token (which checks it live,
    // through the same faults, so it may take a few tries).
    const fresh = store.createToken({ name: 'replacement' });
    for (let attempt = 1; ; attempt++) {
      try {
        await replaceCredentialToken(db, connected.secretKey, connected.connectors['lightspeed-x']!, connected.companyId, connected.credentialId, fresh.token);
        break;
      } catch (error) {
        if (attempt >= 40) throw error;
        await sleep(100 + random.int(400));
      }
    }
    token = fresh.token;
    figures.tokenRevokedAndReplaced = true;
    log(`token replaced ${Date.now() - (revokedAt ?? started)} ms after it was revoked`);
  }

  const faultsByKind: Record<string, number> = {};
  let faultsInjected = 0;
  const entries = emulator.requestLog.entries({ store: domainPrefix });
  for (const entry of entries) {
    if (!entry.faults?.length) continue;
    faultsInjected++;
    for (const kind of entry.faults) faultsByKind[kind] = (faultsByKind[kind] ?? 0) + 1;
  }

  // Faults off, limits back to normal, one last sync: Patron must now be an exact copy.
  store.clearFaults();
  store.setRateLimit({ enabled: false });
  let last = await runCredentialSync(deps, connected.credentialId, { reason: 'campaign-final', maxRunMs: 300_000 });
  if (last.outcome !== 'succeeded' || !last.complete) last = await runCredentialSync(deps, connected.credentialId, { reason: 'campaign-final', maxRunMs: 300_000 });
  if (last.outcome !== 'succeeded' || !last.complete) throw new Error(`the final sync did not finish: ${JSON.stringify(last)}`);

  const verification = await verifyAgainstEmulator(db, connected.companyId, [{ credentialId: connected.credentialId, store }]);
  const quarantine = await db.selectFrom('sync_quarantine').select('external_id').where('credential_id', '=', connected.credentialId).execute();
  if (quarantine.length > 0) verification.mismatches.push(`${quarantine.length} records quarantined although the emulator only sends valid records`);
  return {
    ...verification,
    ...figures,
    seed: options.seed,
    durationMs: Date.now() - started,
    faultsInjected,
    faultsByKind,
    requests: entries.length,
    liveChanges: changes.total,
    liveChangesByKind: changes.counts,
    quarantined: quarantine.length,
  };
}
