import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { LedgerKind } from '../db/tables.ts';
import { getLoyaltyProgram } from './loyalty-program.ts';
import { enrolmentBlock, salePoints } from './points-rules.ts';
import { refreshPointBalances } from '../personas/persona-refresh.ts';
import type { PersonaTotalsChanges } from '../personas/persona-totals.ts';
import type { CredentialScope, WrittenSale } from '../sync/record-writer.ts';
import { loadSaleFacts, writtenSaleFacts, type SaleFacts } from './sale-facts.ts';

type LedgerRow = { persona_id: string; sale_id: string; kind: LedgerKind; points: number; reason: string; idempotency_key: string };

/**
 * Brings the ledger of these sales to what the program says they are worth, by writing only the
 * difference: an earn for a newly closed sale, a reversal when it is voided or deleted, a return's
 * deduction, an adjustment when Lightspeed edits it, and a transfer when it moves to another person.
 * Running it again changes nothing, so replays, resyncs and duplicate deliveries are harmless.
 *
 * A persona that may not earn (age gate not confirmed, under age, employee) gains nothing new, but
 * keeps what it earned before; reductions (voids, returns) still apply.
 */
export async function reconcileSalePoints(db: Db, companyId: string, changedSaleIds: string[], totals?: PersonaTotalsChanges): Promise<string[]> {
  if (changedSaleIds.length === 0) return [];
  // A return is worth at most what its sale earned, so when a sale changes its returns are re-checked.
  const returns = await sql<{ id: string }>`
    SELECT r.id FROM sales s JOIN sales r ON r.credential_id = s.credential_id AND r.return_for_external_id = s.external_id
    WHERE s.id = ANY(${changedSaleIds}::uuid[])`.execute(db);
  const saleIds = [...new Set([...changedSaleIds, ...returns.rows.map((row) => row.id)])];
  return reconcileFacts(db, companyId, await loadSaleFacts(db, companyId, saleIds), new Set(), totals);
}

/**
 * reconcileSalePoints for the sales a synced page just wrote, with their balances' movement added to
 * the page's `totals`. The page's sales are known from their records (see writtenSaleFacts); only
 * the returns already stored against them are read from the database.
 */
export async function reconcileWrittenSales(db: Db, scope: CredentialScope, written: WrittenSale[], totals: PersonaTotalsChanges): Promise<string[]> {
  if (written.length === 0) return [];
  const writtenIds = written.map((sale) => sale.id);
  const returns = await sql<{ id: string }>`
    SELECT id FROM sales
    WHERE credential_id = ${scope.credentialId} AND return_for_external_id = ANY(${written.map((sale) => sale.record.externalId)}::text[])
      AND id <> ALL(${writtenIds}::uuid[])`.execute(db);
  const facts = [...(await writtenSaleFacts(db, scope, written)), ...(await loadSaleFacts(db, scope.companyId, returns.rows.map((row) => row.id)))];
  // A sale seen for the first time got its id in this transaction: no ledger entry can name it yet.
  const firstSeen = new Set(written.filter((sale) => !sale.existed).map((sale) => sale.id));
  return reconcileFacts(db, scope.companyId, facts, firstSeen, totals);
}

/** Plans and writes the ledger entries that bring these sales to their worth; `firstSeen` sales have none yet. */
async function reconcileFacts(db: Db, companyId: string, sales: SaleFacts[], firstSeen: ReadonlySet<string>, totals?: PersonaTotalsChanges): Promise<string[]> {
  if (sales.length === 0) return [];
  const program = await getLoyaltyProgram(db, companyId);
  const staff = await sql<{ email: string }>`
    SELECT DISTINCT lower(st.email) AS email FROM source_staff st JOIN credentials c ON c.id = st.credential_id
    WHERE c.company_id = ${companyId} AND st.email IS NOT NULL AND st.deleted_at IS NULL`.execute(db);
  const staffEmails = new Set(staff.rows.map((row) => row.email));

  const involved = [...new Set([...sales.map((sale) => sale.id), ...sales.flatMap((sale) => (sale.original_id ? [sale.original_id] : []))])].filter(
    (id) => !firstSeen.has(id),
  );
  const existing =
    involved.length === 0
      ? []
      : (
          await sql<{ sale_id: string; persona_id: string; points: string; entries: number }>`
            SELECT sale_id, persona_id, sum(points)::text AS points, count(*)::int AS entries FROM loyalty_ledger
            WHERE sale_id = ANY(${involved}::uuid[]) GROUP BY sale_id, persona_id`.execute(db)
        ).rows;
  // sale → persona → points, kept current as rows are planned, so a return sees its sale's new total.
  const sums = new Map<string, Map<string, number>>();
  const add = (saleId: string, personaId: string, points: number) => {
    const bySale = sums.get(saleId) ?? new Map<string, number>();
    bySale.set(personaId, (bySale.get(personaId) ?? 0) + points);
    sums.set(saleId, bySale);
  };
  for (const row of existing) add(row.sale_id, row.persona_id, Number(row.points));
  // How many entries each sale has for each persona, counting the ones planned here.
  const entries = new Map(existing.map((row) => [`${row.sale_id}:${row.persona_id}`, row.entries]));

  const rows: LedgerRow[] = [];
  /**
   * The idempotency key names the sale's state (version) and the entry's place in the sale's history
   * for that persona, so two transactions planning from the same state write the entry once. The
   * amount cannot be the key: a return capped by its sale goes back to a value it had before when the
   * sale is edited down and up again, with its own version unchanged, and that entry must be written.
   */
  const plan = (version: number, row: Omit<LedgerRow, 'idempotency_key'>) => {
    const history = `${row.sale_id}:${row.persona_id}`;
    const position = entries.get(history) ?? 0;
    entries.set(history, position + 1);
    rows.push({ ...row, idempotency_key: `sale:${row.sale_id}:v${version}:${row.persona_id}:${position}:${row.kind}` });
    add(row.sale_id, row.persona_id, row.points);
  };
  // Sales before returns, so a return is capped by what its sale has earned after this batch.
  const ordered = [...sales].sort((a, b) => Number(a.is_return) - Number(b.is_return));
  for (const sale of ordered) {
    const personaId = sale.persona_id;
    const bySale = sums.get(sale.id) ?? new Map<string, number>();
    if (!personaId) {
      // The buyer is no longer anyone's persona (deleted in the POS, or now a walk-in): like spend and
      // visits, the sale's points no longer count for anybody.
      for (const [holder, points] of [...bySale.entries()]) {
        if (Math.abs(points) < 1e-9) continue;
        plan(sale.version, { persona_id: holder, sale_id: sale.id, kind: 'reversal', points: -points, reason: 'Customer removed in the POS' });
      }
      continue;
    }
    for (const [other, points] of [...bySale.entries()]) {
      if (other === personaId || Math.abs(points) < 1e-9) continue;
      plan(sale.version, { persona_id: other, sale_id: sale.id, kind: 'transfer', points: -points, reason: 'Sale moved to another customer' });
      plan(sale.version, { persona_id: personaId, sale_id: sale.id, kind: 'transfer', points, reason: 'Sale moved from another customer' });
    }
    const current = sums.get(sale.id)?.get(personaId) ?? 0;
    let worth = salePoints(
      {
        state: sale.state,
        deleted: sale.deleted,
        attributes: sale.attributes,
        totalExclTax: Number(sale.total_excl_tax),
        totalInclTax: Number(sale.total_incl_tax),
        saleDate: sale.sale_date?.toISOString() ?? null,
        isReturn: sale.is_return,
      },
      program,
      sale.start_override ?? program.startDate,
    );
    if (sale.is_return) {
      // A return gives back at most what its sale earned (nothing, if it earned nothing).
      const earned = sale.original_id ? [...(sums.get(sale.original_id)?.values() ?? [])].reduce((total, points) => total + points, 0) : 0;
      worth = Math.max(worth, -Math.max(0, earned));
    }
    const mayEarn =
      enrolmentBlock({ ageGatePassed: sale.age_gate_passed ?? false, birthDate: sale.birth_date, email: sale.email, phone: sale.phone }, program, staffEmails) === null;
    const target = mayEarn ? worth : Math.min(current, worth);
    const delta = target - current;
    if (Math.abs(delta) < 1e-9) continue;
    const kind: LedgerKind = sale.is_return ? 'return' : current === 0 && target > 0 ? 'earn' : target === 0 ? 'reversal' : 'adjustment';
    const reason = {
      earn: 'Points for a sale',
      reversal: sale.deleted ? 'Sale deleted' : sale.state === 'voided' ? 'Sale voided' : 'Sale no longer earns',
      return: 'Items returned',
      adjustment: 'Sale changed in the POS',
      transfer: '',
      manual: '',
    }[kind];
    plan(sale.version, { persona_id: personaId, sale_id: sale.id, kind, points: delta, reason });
  }

  if (rows.length > 0) {
    // Each balance moves by exactly the entries this statement inserted (an entry already written by
    // an earlier attempt conflicts and adds nothing). With `totals` (a synced page of sales) the
    // movement joins the page's other additions to the same personas, applied in one UPDATE;
    // otherwise it is applied here, and the row lock of the UPDATE makes concurrent additions to one
    // balance add up instead of overwriting each other.
    const ledger = sql`
      INSERT INTO loyalty_ledger (company_id, persona_id, sale_id, kind, points, reason, idempotency_key)
      SELECT ${companyId}::uuid, r.persona_id, r.sale_id, r.kind, r.points, r.reason, r.idempotency_key
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(persona_id uuid, sale_id uuid, kind text, points numeric, reason text, idempotency_key text)
      ON CONFLICT (company_id, idempotency_key) DO NOTHING
      RETURNING persona_id, points`;
    if (totals) {
      const inserted = await sql<{ persona_id: string; points: string }>`
        WITH inserted AS (${ledger}) SELECT persona_id, sum(points)::text AS points FROM inserted GROUP BY persona_id`.execute(db);
      for (const row of inserted.rows) totals.addPoints(row.persona_id, row.points);
    } else {
      await sql`
        WITH inserted AS (${ledger}),
        per_persona AS (SELECT persona_id, sum(points) AS points FROM inserted GROUP BY persona_id)
        UPDATE personas p SET points_balance = p.points_balance + per_persona.points
        FROM per_persona WHERE p.id = per_persona.persona_id AND per_persona.points <> 0`.execute(db);
    }
  }
  return [...new Set(rows.map((row) => row.persona_id))];
}

/** Re-checks every sale of these personas: used when their right to earn may have changed. */
export async function reconcilePersonaPoints(db: Db, companyId: string, personaIds: string[]): Promise<void> {
  if (personaIds.length === 0) return;
  const sales = await sql<{ id: string }>`
    SELECT s.id FROM source_customers sc JOIN sales s ON s.credential_id = sc.credential_id AND s.customer_external_id = sc.external_id
    WHERE sc.persona_id = ANY(${personaIds}::uuid[])`.execute(db);
  await reconcileInChunks(db, companyId, sales.rows.map((row) => row.id));
}

/**
 * After customers of one store changed: their own sales (a deleted or unlinked customer's points go)
 * and every sale of the personas they belong to now (a merge or a new source may change who may earn).
 */
export async function reconcileCustomerPoints(db: Db, companyId: string, credentialId: string, customerExternalIds: string[]): Promise<void> {
  if (customerExternalIds.length === 0) return;
  const sales = await sql<{ id: string }>`
    SELECT s.id FROM sales s WHERE s.credential_id = ${credentialId} AND s.customer_external_id = ANY(${customerExternalIds}::text[])
    UNION
    SELECT s.id FROM source_customers touched
    JOIN source_customers sc ON sc.persona_id = touched.persona_id
    JOIN sales s ON s.credential_id = sc.credential_id AND s.customer_external_id = sc.external_id
    WHERE touched.credential_id = ${credentialId} AND touched.external_id = ANY(${customerExternalIds}::text[]) AND touched.persona_id IS NOT NULL`.execute(db);
  await reconcileInChunks(db, companyId, sales.rows.map((row) => row.id));
}

async function reconcileInChunks(db: Db, companyId: string, saleIds: string[]): Promise<void> {
  for (let start = 0; start < saleIds.length; start += 2000) await reconcileSalePoints(db, companyId, saleIds.slice(start, start + 2000));
}

/** A manual adjustment by a user, with its reason; refused when it would take the balance below zero. */
export async function adjustPoints(db: Db, companyId: string, userId: string, personaId: string, points: number, reason: string, requestKey: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const persona = await trx.selectFrom('personas').select(['points_balance']).where('id', '=', personaId).where('company_id', '=', companyId).forUpdate().executeTakeFirst();
    if (!persona) throw Object.assign(new Error('not found'), { code: 'persona_not_found' });
    if (Number(persona.points_balance) + points < 0) throw Object.assign(new Error('negative'), { code: 'negative_balance' });
    await trx
      .insertInto('loyalty_ledger')
      .values({ company_id: companyId, persona_id: personaId, kind: 'manual', points, reason, created_by: userId, idempotency_key: `manual:${requestKey}` })
      .onConflict((conflict) => conflict.columns(['company_id', 'idempotency_key']).doNothing())
      .execute();
    await refreshPointBalances(trx, [personaId]);
  });
}
