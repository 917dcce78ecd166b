import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { getLoyaltyProgram } from './loyalty-program.ts';
import { enrolmentBlock } from './points-rules.ts';

export type LoyaltySummary = { issued: string; reversed: string; outstanding: string; members: number; ageGateNotConfirmed: number };

/** Program totals: points issued and taken back (transfers between people are neither), what is outstanding, members. */
export async function getLoyaltySummary(db: Db, companyId: string): Promise<LoyaltySummary> {
  const totals = await sql<{ issued: string; reversed: string; outstanding: string }>`
    SELECT coalesce(sum(points) FILTER (WHERE points > 0 AND kind <> 'transfer'), 0)::text AS issued,
           coalesce(-sum(points) FILTER (WHERE points < 0 AND kind <> 'transfer'), 0)::text AS reversed,
           coalesce(sum(points), 0)::text AS outstanding
    FROM loyalty_ledger WHERE company_id = ${companyId}`.execute(db);
  const people = await sql<{ members: number; not_confirmed: number }>`
    SELECT count(*) FILTER (WHERE age_gate_passed)::int AS members, count(*) FILTER (WHERE NOT age_gate_passed)::int AS not_confirmed
    FROM personas WHERE company_id = ${companyId} AND archived_at IS NULL`.execute(db);
  const row = totals.rows[0]!;
  return { ...row, members: people.rows[0]!.members, ageGateNotConfirmed: people.rows[0]!.not_confirmed };
}

export type PersonaLoyalty = {
  enrolled: boolean;
  /** Why the persona does not earn: age_gate_not_confirmed, under_age or employee. */
  blockedBecause: string | null;
  balance: string;
  ledger: Array<{ id: string; kind: string; points: string; reason: string; saleId: string | null; createdBy: string | null; createdAt: Date }>;
};

export async function getPersonaLoyalty(db: Db, companyId: string, persona: { id: string; ageGatePassed: boolean; birthDate: string | null; email: string | null; phone: string | null; points: string }): Promise<PersonaLoyalty> {
  const program = await getLoyaltyProgram(db, companyId);
  const staff = await sql<{ email: string }>`
    SELECT DISTINCT lower(st.email) AS email FROM source_staff st JOIN credentials c ON c.id = st.credential_id
    WHERE c.company_id = ${companyId} AND st.email IS NOT NULL AND st.deleted_at IS NULL`.execute(db);
  const blockedBecause = enrolmentBlock(persona, program, new Set(staff.rows.map((row) => row.email)));
  const ledger = await db
    .selectFrom('loyalty_ledger as l')
    .leftJoin('users as u', 'u.id', 'l.created_by')
    .select(['l.id', 'l.kind', 'l.points', 'l.reason', 'l.sale_id as saleId', 'u.name as createdBy', 'l.created_at as createdAt'])
    .where('l.persona_id', '=', persona.id)
    .where('l.company_id', '=', companyId)
    .orderBy('l.created_at', 'desc')
    .limit(200)
    .execute();
  return { enrolled: blockedBecause === null, blockedBecause, balance: persona.points, ledger };
}
