import { figure } from '../lib/stats.ts';
import { backfillStore, BACKFILL_STORE, connectFresh, keepSynced, minimumRequests, servedPerResource, timedSync, type ConnectedCompany } from '../lib/sync-setup.ts';
import type { Scenario } from '../lib/types.ts';

const NAME = 'incremental';

/**
 * After a backfill, 1 % of the customers are edited and 1 % of the sales voided in the emulator (a
 * void also re-versions the buyer, whose totals change); the next incremental run is timed and its
 * requests compared with the fewest possible. Each run changes a different 1 % slice.
 */
export const incremental: Scenario = {
  name: NAME,
  runsByDefault: (spec) => spec.syncScenarios,
  async run(context) {
    const store = backfillStore(context);
    let company = context.shared.get('synced') as ConnectedCompany | undefined;
    if (!company) {
      company = await connectFresh(context, BACKFILL_STORE);
      await timedSync(context, company, 'bench-incremental-backfill');
      await keepSynced(context, company);
    }
    const times: number[] = [];
    const made: number[] = [];
    const minimum: number[] = [];
    const tooMany: number[] = [];
    const records: number[] = [];
    const nothingNew: number[] = [];
    const idleSeconds: number[] = [];
    for (let run = 1; run <= context.spec.runs; run++) {
      let customers = 0;
      for (let index = run; index < context.spec.customers; index += 100) {
        const customer = store.customers.get(index);
        if (!customer || customer.id === store.walkInCustomerId || customer.deleted_at) continue;
        store.updateCustomer(customer.id, { last_name: `${customer.last_name ?? 'Changed'}-${run}` });
        customers++;
      }
      let sales = 0;
      for (let index = run + 50; index < context.spec.sales; index += 100) {
        const sale = store.sales.get(index);
        if (!sale || sale.status === 'VOIDED') continue;
        store.voidSale(sale.id);
        sales++;
      }
      const before = await servedPerResource(company);
      const synced = await timedSync(context, company, 'bench-incremental');
      const after = await servedPerResource(company);
      const served = new Map([...after].map(([resource, count]) => [resource, count - (before.get(resource) ?? 0)]));
      times.push(synced.seconds);
      made.push(synced.requests);
      minimum.push(minimumRequests(served));
      tooMany.push(synced.tooMany);
      records.push(synced.result.records);
      context.log(`incremental ${run}: ${customers} customers edited, ${sales} sales voided → ${synced.result.records} records, ${synced.requests} requests, ${synced.seconds.toFixed(2)} s`);
      const idle = await timedSync(context, company, 'bench-incremental-idle');
      nothingNew.push(idle.requests);
      idleSeconds.push(idle.seconds);
    }
    const size = `${context.spec.customers.toLocaleString('en-US')} customers / ${context.spec.sales.toLocaleString('en-US')} sales`;
    return [
      figure(NAME, `1 % changed (${size}): run time`, 's', times),
      figure(NAME, '1 % changed: records read (edited customers + voided sales + re-versioned buyers)', 'records', records),
      figure(NAME, '1 % changed: requests made', 'requests', made),
      figure(NAME, '1 % changed: minimum possible', 'requests', minimum),
      figure(NAME, '1 % changed: requests above the minimum', 'requests', made.map((value, index) => value - minimum[index]!), { target: { op: '=', value: 0, text: '= 0' } }),
      figure(NAME, '1 % changed: 429 answers', 'responses', tooMany, { target: { op: '=', value: 0, text: '= 0' } }),
      figure(NAME, 'nothing changed: requests (one per resource)', 'requests', nothingNew, { target: { op: '=', value: 7, text: '= 7' } }),
      figure(NAME, 'nothing changed: run time (the cost of one scheduled poll)', 's', idleSeconds),
    ];
  },
};
