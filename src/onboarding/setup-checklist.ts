import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { listUnmappedLocations } from '../stores/unmapped-locations.ts';

export type ChecklistStep = { id: string; title: string; detail: string; done: boolean; link: string };

/**
 * What a retailer still has to do after signing up, in the help article's order. Every step is read
 * from the data itself, so the checklist can never claim something that is not so.
 */
export async function getSetupChecklist(db: Db, companyId: string): Promise<{ steps: ChecklistStep[]; complete: boolean }> {
  const facts = await sql<{ credentials: number; age_gate: boolean; synced: boolean; mappings: number; loyalty_saved: boolean }>`
    SELECT
      (SELECT count(*)::int FROM credentials WHERE company_id = ${companyId} AND status <> 'removed') AS credentials,
      coalesce((SELECT bool_or(age_gate_confirmed) FROM connections WHERE company_id = ${companyId}), false) AS age_gate,
      EXISTS (SELECT 1 FROM sync_runs WHERE company_id = ${companyId} AND outcome = 'succeeded') AS synced,
      (SELECT count(*)::int FROM store_mappings WHERE company_id = ${companyId}) AS mappings,
      EXISTS (SELECT 1 FROM loyalty_programs WHERE company_id = ${companyId}) AS loyalty_saved`.execute(db);
  const row = facts.rows[0]!;
  const unmapped = row.credentials > 0 ? (await listUnmappedLocations(db, companyId)).length : 0;
  const steps: ChecklistStep[] = [
    { id: 'connect', title: 'Connect your point of sale', detail: 'Add your Lightspeed token and DomainPrefix.', done: row.credentials > 0, link: '/settings/integrations' },
    { id: 'age_gate', title: 'Confirm the age gate', detail: 'Tick "Required" in the Loyalty section if all customers from this source passed an age gate, then Update Connection.', done: row.age_gate, link: '/settings/integrations/lightspeed-x' },
    { id: 'first_sync', title: 'First sync', detail: 'Patron imports your customers and sales; the first ones appear within seconds.', done: row.synced, link: '/settings/integrations/lightspeed-x' },
    { id: 'map_stores', title: 'Map your stores', detail: unmapped > 0 ? `${unmapped} store${unmapped === 1 ? '' : 's'} with sales still to map.` : 'Map each Lightspeed outlet to a retail store.', done: row.mappings > 0 && unmapped === 0, link: '/settings/company/retail-store' },
    { id: 'loyalty', title: 'Review loyalty settings', detail: 'Points per 1.00 spent, the start date, the minimum age and staff blocklist.', done: row.loyalty_saved, link: '/settings/loyalty' },
  ];
  return { steps, complete: steps.every((step) => step.done) };
}
