import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { refreshPersonas } from '../personas/persona-refresh.ts';
import { lockCompanyPersonas } from '../personas/persona-lock.ts';
import { reconcilePersonaPoints } from './points-ledger.ts';

const CHUNK = 5000;

/**
 * The retailer ticked or unticked "All users from this source have passed an age gate". The
 * connection's personas are re-derived (enrolled or not), then their sales re-checked: ticking
 * awards the points of eligible sales since the program start; unticking stops new earning and keeps
 * what was earned (the ledger only takes reductions from non-members).
 */
export async function applyAgeGateChange(db: Db, companyId: string, connectionId: string): Promise<{ personas: number }> {
  const personas = await sql<{ persona_id: string }>`
    SELECT DISTINCT sc.persona_id FROM source_customers sc JOIN credentials c ON c.id = sc.credential_id
    WHERE c.connection_id = ${connectionId} AND c.company_id = ${companyId} AND sc.persona_id IS NOT NULL`.execute(db);
  const ids = personas.rows.map((row) => row.persona_id);
  for (let start = 0; start < ids.length; start += CHUNK) {
    const chunk = ids.slice(start, start + CHUNK);
    await db.transaction().execute(async (trx) => {
      await lockCompanyPersonas(trx, companyId, 'exclusive');
      await refreshPersonas(trx, companyId, chunk);
      await reconcilePersonaPoints(trx, companyId, chunk);
    });
  }
  return { personas: ids.length };
}
