import type { Db } from '../../src/db/database.ts';
import type { Store } from '../../emulator/index.ts';
import type { LoyaltyProgram } from '../../src/loyalty/loyalty-program.ts';

/**
 * Points each persona should hold, recomputed straight from the emulator's final sales with the
 * program's rules written out again here (not by calling Patron's code): per sale, the chosen total
 * times the rate, rounded towards zero; a return gives back at most what its sale earned.
 */
export async function expectedBalances(db: Db, stores: Array<{ credentialId: string; store: Store }>, program: LoyaltyProgram, isMember: (personaId: string) => boolean): Promise<Map<string, number>> {
  const links = await db.selectFrom('source_customers').select(['credential_id', 'external_id', 'persona_id']).where('persona_id', 'is not', null).execute();
  const personaOf = new Map(links.map((link) => [`${link.credential_id}:${link.external_id}`, link.persona_id!]));
  const balances = new Map<string, number>();
  for (const { credentialId, store } of stores) {
    const sales = store.snapshot('sales', { includeDeleted: true });
    const worth = (sale: Record<string, unknown>) => {
      const closed = sale.state === 'closed';
      const attributes = (sale.attributes as string[] | undefined) ?? [];
      if (!closed || sale.deleted_at || attributes.some((a) => !(program.earningAttributes as readonly string[]).includes(a))) return 0;
      const total = program.basis === 'tax_inclusive' ? Number(sale.total_price) + Number(sale.total_tax) : Number(sale.total_price);
      const raw = total * program.pointsPerUnit;
      return Math.trunc(Math.abs(raw) + 1e-9) * Math.sign(raw) || 0;
    };
    const earned = new Map<string, number>();
    for (const sale of sales) {
      if (sale.return_for) continue;
      const persona = personaOf.get(`${credentialId}:${String(sale.customer_id)}`);
      if (!persona || !isMember(persona)) continue;
      const points = worth(sale);
      earned.set(String(sale.id), points);
      balances.set(persona, (balances.get(persona) ?? 0) + points);
    }
    for (const sale of sales) {
      if (!sale.return_for) continue;
      const persona = personaOf.get(`${credentialId}:${String(sale.customer_id)}`);
      if (!persona) continue;
      const points = Math.max(worth(sale), -(earned.get(String(sale.return_for)) ?? 0));
      if (points !== 0) balances.set(persona, (balances.get(persona) ?? 0) + points);
    }
  }
  return balances;
}
