import { sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';
import { defaultProgram } from '../../src/loyalty/loyalty-program.ts';
import type { Store } from '../../emulator/index.ts';
import { expectedBalances } from '../helpers/expected-points.ts';
import { mirrorDifferences } from '../helpers/mirror.ts';
import { duplicateRows } from '../sync/sync-harness.ts';

/** What a campaign checks at the end: every figure that must be zero is listed in `mismatches`. */
export type Verification = {
  recordsCompared: number;
  personasChecked: number;
  balancesChecked: number;
  duplicates: number;
  mismatches: string[];
};

/**
 * Compares Patron with the emulator's final truth for some stores of one company: the record mirror
 * (customers, sales, lines, payments, deletions), no duplicate rows, every live persona's spend and
 * visits summed again from the emulator's sales, and every points balance recomputed from the
 * program's rules and equal to the ledger's sum.
 */
export async function verifyAgainstEmulator(db: Db, companyId: string, stores: Array<{ credentialId: string; store: Store }>): Promise<Verification> {
  const mismatches: string[] = [];
  let recordsCompared = 0;
  for (const { credentialId, store } of stores) {
    const mirror = await mirrorDifferences(db, credentialId, store);
    recordsCompared += mirror.compared;
    mismatches.push(...mirror.differences.map((line) => `${store.domainPrefix}: ${line}`));
  }
  const duplicates = await duplicateRows(db);
  if (duplicates > 0) mismatches.push(`${duplicates} duplicated (credential, external id) rows`);

  const links = await db
    .selectFrom('source_customers')
    .select(['credential_id', 'external_id', 'persona_id'])
    .where('persona_id', 'is not', null)
    .where('credential_id', 'in', stores.map((entry) => entry.credentialId))
    .execute();
  const personaOf = new Map(links.map((link) => [`${link.credential_id}:${link.external_id}`, link.persona_id!]));
  const expected = new Map<string, { spend: number; visits: number }>();
  for (const { credentialId, store } of stores) {
    for (const sale of store.snapshot('sales', { includeDeleted: true })) {
      const closed = sale.state === 'closed' || /CLOSED$/.test(String(sale.status));
      if (!closed || sale.deleted_at) continue;
      const persona = personaOf.get(`${credentialId}:${String(sale.customer_id)}`);
      if (!persona) continue;
      const entry = expected.get(persona) ?? { spend: 0, visits: 0 };
      entry.spend += Number(sale.total_price) + Number(sale.total_tax);
      if (!sale.return_for) entry.visits += 1;
      expected.set(persona, entry);
    }
  }
  const personas = await db
    .selectFrom('personas')
    .select(['id', 'lifetime_spend', 'visits', 'points_balance', 'archived_at'])
    .where('company_id', '=', companyId)
    .execute();
  let personasChecked = 0;
  for (const persona of personas) {
    if (persona.archived_at) continue;
    const want = expected.get(persona.id) ?? { spend: 0, visits: 0 };
    if (Math.abs(Number(persona.lifetime_spend) - want.spend) > 0.0001) mismatches.push(`persona ${persona.id} spend ${persona.lifetime_spend} ≠ ${want.spend.toFixed(4)}`);
    if (persona.visits !== want.visits) mismatches.push(`persona ${persona.id} visits ${persona.visits} ≠ ${want.visits}`);
    personasChecked++;
  }

  const balances = await expectedBalances(db, stores, defaultProgram, () => true);
  const ledger = await sql<{ persona_id: string; points: string }>`
    SELECT l.persona_id, sum(l.points)::text AS points FROM loyalty_ledger l JOIN personas p ON p.id = l.persona_id
    WHERE p.company_id = ${companyId} GROUP BY l.persona_id`.execute(db);
  const ledgerSums = new Map(ledger.rows.map((row) => [row.persona_id, Number(row.points)]));
  let balancesChecked = 0;
  for (const persona of personas) {
    const balance = Number(persona.points_balance);
    const want = balances.get(persona.id) ?? 0;
    // An archived persona (its customer deleted in the POS) keeps its ledger as history; it is out
    // of every list and total, so only live balances must equal the recomputation.
    if (!persona.archived_at && balance !== want) mismatches.push(`persona ${persona.id} points ${balance} ≠ ${want}; ${await describeLedger(db, persona.id)}`);
    if ((ledgerSums.get(persona.id) ?? 0) !== balance) mismatches.push(`persona ${persona.id} points column ${balance} ≠ ledger sum ${ledgerSums.get(persona.id) ?? 0}`);
    if (!persona.archived_at) balancesChecked++;
  }
  return { recordsCompared, personasChecked, balancesChecked, duplicates, mismatches };
}

/** The ledger of one persona, for a mismatch message that explains itself. */
async function describeLedger(db: Db, personaId: string): Promise<string> {
  const rows = await sql<{ reason: string; points: number; sale: string | null }>`
    SELECT l.reason, l.points::int AS points, s.external_id || ' of ' || coalesce(s.customer_external_id, '-') || ' (customer persona ' || coalesce((SELECT c.persona_id::text FROM source_customers c WHERE c.credential_id = s.credential_id AND c.external_id = s.customer_external_id), '-') || coalesce(' ' || (SELECT c.persona_exclusion FROM source_customers c WHERE c.credential_id = s.credential_id AND c.external_id = s.customer_external_id), '') || ')' AS sale FROM loyalty_ledger l LEFT JOIN sales s ON s.id = l.sale_id
    WHERE l.persona_id = ${personaId} ORDER BY l.created_at`.execute(db);
  const sources = await db.selectFrom('source_customers').select(['external_id', 'deleted_at', 'persona_exclusion']).where('persona_id', '=', personaId).execute();
  const merged = await db.selectFrom('personas').select(['merged_into']).where('id', '=', personaId).executeTakeFirst();
  return `ledger ${rows.rows.map((row) => `${row.reason}:${row.points}${row.sale ? `@${row.sale}` : ''}`).join(' ')}; sources ${sources.map((row) => `${row.external_id}${row.deleted_at ? '(deleted)' : ''}`).join(' ') || 'none'}; merged into ${merged?.merged_into ?? '-'}`;
}
