import type { CheckResult, CredentialInput, PageItem, PosConnector, SourcePage, SourceReader } from '../connector.ts';
import { LightspeedClient } from './client.ts';
import { parseDomainPrefix } from './domain-prefix.ts';
import { LightspeedError } from './errors.ts';
import { RequestBudget } from './request-budget.ts';
import { normalizeRecord } from './normalize.ts';
import { resourceNames, type ResourceName } from './resources.ts';
import { OutletSchema, RegisterSchema } from './schemas.ts';

/**
 * Checks a personal token against the store: the retailer (proves token and prefix), then its
 * outlets and registers (what the retailer will map, and what sets the rate limit).
 */
async function checkCredential(baseUrlTemplate: string, input: CredentialInput): Promise<CheckResult> {
  const prefix = parseDomainPrefix(input.storeAddress);
  if (!prefix.ok) return { ok: false, field: 'storeAddress', message: prefix.message };
  const token = input.token.trim();
  if (!token) return { ok: false, field: 'token', message: 'Paste the personal token you generated in Lightspeed (Setup > Personal Tokens).' };
  if (/\s/.test(token) || token.length > 512) {
    return { ok: false, field: 'token', message: 'That does not look like a Lightspeed token: it should be one line with no spaces. Copy it again with the Copy button.' };
  }
  const client = new LightspeedClient({ baseUrlTemplate, domainPrefix: prefix.domainPrefix, token });
  try {
    const retailer = await client.getRetailer();
    if (retailer.domain_prefix.toLowerCase() !== prefix.domainPrefix) {
      return { ok: false, field: 'storeAddress', message: `That token belongs to the store "${retailer.domain_prefix}", not "${prefix.domainPrefix}". Use the DomainPrefix of the store the token was made in.` };
    }
    let outlets = 0;
    for await (const page of client.pages('outlets')) {
      outlets += page.records.filter((raw) => {
        const parsed = OutletSchema.safeParse(raw);
        return parsed.success && parsed.data.deleted_at === null;
      }).length;
    }
    let registers = 0;
    for await (const page of client.pages('registers')) {
      registers += page.records.filter((raw) => {
        const parsed = RegisterSchema.safeParse(raw);
        return parsed.success && parsed.data.deleted_at === null;
      }).length;
    }
    return {
      ok: true,
      storeAddress: prefix.domainPrefix,
      summary: {
        externalStoreId: retailer.id,
        name: retailer.name,
        country: retailer.country,
        currency: retailer.currency?.code ?? null,
        locationCount: outlets,
        registerCount: registers,
        rateLimit: client.budget.limit ?? null,
      },
    };
  } catch (error) {
    if (!(error instanceof LightspeedError)) throw error;
    return { ok: false, ...explain(error) };
  }
}

function explain(error: LightspeedError): { field: 'token' | 'storeAddress' | null; message: string } {
  switch (error.kind) {
    case 'auth':
      return { field: 'token', message: 'Lightspeed rejected this token. Check that it was copied whole and has not expired or been revoked; if in doubt, generate a new one.' };
    case 'forbidden':
      return { field: 'token', message: 'This token is not allowed to read the store. Generate a personal token as an admin user.' };
    case 'store_not_found':
    case 'not_found':
      return { field: 'storeAddress', message: 'No Lightspeed store answers at this DomainPrefix. Check the store name in your Lightspeed address (mystore in mystore.retail.lightspeed.app).' };
    case 'rate_limited':
      return { field: null, message: `Lightspeed is busy with this store right now (rate limit reached). Try again in ${Math.ceil((error.details.retryAfterMs ?? 30_000) / 1000)} seconds.` };
    case 'transient':
      return { field: null, message: 'Lightspeed could not be reached just now. Try again in a minute.' };
    case 'bad_payload':
      return { field: null, message: `Lightspeed answered in an unexpected way (${error.message}). Try again; if it persists, contact support.` };
  }
}

/**
 * Reads a store's collections for the sync: each record is validated and normalized, or comes back
 * as a quarantine item naming what was wrong with it.
 */
function createReader(baseUrlTemplate: string, input: { storeAddress: string; token: string; onRequest?: () => void }, budgetWindowMs?: number): SourceReader {
  const budget = budgetWindowMs === undefined ? undefined : new RequestBudget(budgetWindowMs);
  const client = new LightspeedClient({ baseUrlTemplate, domainPrefix: input.storeAddress, token: input.token, onRequest: input.onRequest, budget });
  return {
    resources: resourceNames,
    async *pages(resource, after) {
      const name = resource as ResourceName;
      // The raw page is turned into items inside readPage, so its parsed JSON is garbage at once.
      const readPage = async (cursor: number) => {
        const raw = await client.page(name, cursor);
        return raw && { cursor: raw.cursor, items: raw.records.map((record) => readItem(name, record)) };
      };
      // A page yielded from a local stays alive while the generator is suspended (V8 keeps the local
      // until the next pull): in the reader thread, a second copy of the page the sync is writing.
      // Handed over from a slot emptied on the way out, it is the caller's alone.
      let slot: SourcePage | undefined;
      const handOver = () => {
        const page = slot!;
        slot = undefined;
        return page;
      };
      let cursor = after;
      while ((slot = await readPage(cursor))) {
        cursor = slot.cursor;
        yield handOver();
      }
    },
  };
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

/**
 * @param baseUrlTemplate where stores live: production's, or the emulator's in tests and the demo.
 * @param options.budgetWindowMs the rate-limit window the reader paces itself to (Lightspeed's 5
 *   minutes unless told; the rate-limited benchmark squeezes it along with the emulator's).
 */
export function createLightspeedXConnector(baseUrlTemplate: string, options: { budgetWindowMs?: number } = {}): PosConnector {
  return {
    provider: 'lightspeed-x',
    parseStoreAddress(input) {
      const result = parseDomainPrefix(input);
      return result.ok ? { ok: true, value: result.domainPrefix } : result;
    },
    checkCredential: (input) => checkCredential(baseUrlTemplate, input),
    createReader: (input) => createReader(baseUrlTemplate, input, options.budgetWindowMs),
  };
}
