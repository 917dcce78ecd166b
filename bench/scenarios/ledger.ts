import { sql } from 'kysely';
import { reconcileSalePoints } from '../../src/loyalty/points-ledger.ts';
import { generatedData } from '../lib/generated.ts';
import { figure } from '../lib/stats.ts';
import type { Scenario } from '../lib/types.ts';

const NAME = 'ledger';
const CHUNK = 2_000;

/**
 * Full ledger recomputation from an empty ledger: reconcileSalePoints over every sale, 2,000 sales
 * per call (the chunk reconcilePersonaPoints uses), in id order. Small and medium repeat it from
 * empty; large runs it once.
 */
export const ledger: Scenario = {
  name: NAME,
  runsByDefault: () => true,
  async run(context) {
    const data = await generatedData(context);
    const db = data.database.db;
    const ids = (await sql<{ id: string }>`SELECT id FROM sales WHERE company_id = ${data.companyId} ORDER BY id`.execute(db)).rows.map((row) => row.id);
    const runs = context.scale === 'large' ? 1 : context.spec.runs;
    const rates: number[] = [];
    const times: number[] = [];
    let entries = 0;
    for (let run = 1; run <= runs; run++) {
      await sql`DELETE FROM loyalty_ledger WHERE company_id = ${data.companyId}`.execute(db);
      await sql`UPDATE personas SET points_balance = 0 WHERE company_id = ${data.companyId} AND points_balance <> 0`.execute(db);
      await sql`VACUUM ANALYZE loyalty_ledger`.execute(db);
      const startedAt = performance.now();
      for (let from = 0; from < ids.length; from += CHUNK) {
        await reconcileSalePoints(db, data.companyId, ids.slice(from, from + CHUNK));
        if (from % (CHUNK * 250) === 0 && from > 0) context.log(`ledger: ${from} sales in ${((performance.now() - startedAt) / 1000).toFixed(0)} s`);
      }
      const seconds = (performance.now() - startedAt) / 1000;
      times.push(seconds);
      rates.push(ids.length / seconds);
      entries = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM loyalty_ledger WHERE company_id = ${data.companyId}`.execute(db)).rows[0]!.n);
      context.log(`ledger ${run}: ${ids.length} sales → ${entries} entries in ${seconds.toFixed(1)} s`);
    }
    const note = runs === 1 ? 'one run' : undefined;
    return [
      figure(NAME, `full recomputation from an empty ledger (${ids.length.toLocaleString('en-US')} sales → ${entries.toLocaleString('en-US')} entries)`, 's', times, note ? { note } : {}),
      figure(NAME, 'full recomputation throughput', 'sales/s', rates, note ? { note } : {}),
    ];
  },
};
