import { listPersonas, type PersonaListQuery } from '../../src/personas/persona-list.ts';
import { generatedData, generatedPhone } from '../lib/generated.ts';
import { figure, percentile } from '../lib/stats.ts';
import type { Figure, Scenario } from '../lib/types.ts';

const NAME = 'read-paths';

/**
 * The Personas list as its API calls it (listPersonas: one page of 50 and the total, which is the
 * company's counter when unfiltered and a count that stops at 10,001 rows when filtered), over SQL-
 * generated data: the default sort, a name search, a phone search typed the national way, a
 * favorite-store filter, the second page, the other sorts the API and the UI offer, and searches
 * sorted by name: a term that is a name has its matches together in name order ("zoe" A→Z comes
 * after every other first name), and "example" is in every email. Three batches of calls per query;
 * each batch gives a p50 and a p95. (The generated personas have no points yet, so the points sort
 * orders ties by id; it reads the same index either way.)
 */
export const readPaths: Scenario = {
  name: NAME,
  runsByDefault: () => true,
  async run(context) {
    const data = await generatedData(context);
    const db = data.database.db;
    const phone = generatedPhone(Math.floor(data.personas / 3));
    const national = `(${phone.slice(2, 5)}) ${phone.slice(5, 8)}-${phone.slice(8)}`;
    const base: PersonaListQuery = { sort: 'last_visit', direction: 'desc', limit: 50 };
    const queries: Array<[string, PersonaListQuery]> = [
      ['default sort (last visit, newest first)', base],
      ['name search "garcia"', { ...base, search: 'garcia' }],
      ['name search "garcia", sorted by name Z→A', { ...base, search: 'garcia', sort: 'name', direction: 'desc' }],
      ['first-name search "zoe", sorted by name A→Z', { ...base, search: 'zoe', sort: 'name', direction: 'asc' }],
      ['search "example" (every email), sorted by name A→Z', { ...base, search: 'example', sort: 'name', direction: 'asc' }],
      [`phone search "${national}"`, { ...base, search: national }],
      ['favorite store filter', { ...base, favoriteStoreId: data.storeIds[1]! }],
      ['second page of the default sort (keyset cursor)', base],
      ['name A→Z', { ...base, sort: 'name', direction: 'asc' }],
      ['lifetime spend, highest first', { ...base, sort: 'lifetime_spend', direction: 'desc' }],
      ['visits, most first', { ...base, sort: 'visits', direction: 'desc' }],
      ['points, most first', { ...base, sort: 'points', direction: 'desc' }],
      ['created, newest first', { ...base, sort: 'created', direction: 'desc' }],
      ['last visit, oldest first', { ...base, sort: 'last_visit', direction: 'asc' }],
    ];
    const size = `${data.personas.toLocaleString('en-US')} personas / ${data.sales.toLocaleString('en-US')} sales`;
    const figures: Figure[] = [];
    for (const [label, query] of queries) {
      let effective = query;
      if (label.startsWith('second page')) effective = { ...query, cursor: (await listPersonas(db, data.companyId, query)).nextCursor ?? undefined };
      // Warm-up: plans cached, pages in shared buffers, as on a server that is in use.
      const first = await listPersonas(db, data.companyId, effective);
      for (let call = 0; call < 2; call++) await listPersonas(db, data.companyId, effective);
      const p50: number[] = [];
      const p95: number[] = [];
      for (let batch = 0; batch < 3; batch++) {
        const times: number[] = [];
        for (let call = 0; call < context.spec.queryCalls; call++) {
          const startedAt = performance.now();
          await listPersonas(db, data.companyId, effective);
          times.push(performance.now() - startedAt);
        }
        p50.push(percentile(times, 50));
        p95.push(percentile(times, 95));
      }
      // A filtered total is counted up to a cap; "10,000+" says the count stopped there.
      const total = `${first.total.toLocaleString('en-US')}${first.totalIsLowerBound ? '+' : ''}`;
      context.log(`${label}: total ${total}, p50 ${p50.map((v) => v.toFixed(1)).join('/')} ms, p95 ${p95.map((v) => v.toFixed(1)).join('/')} ms`);
      figures.push(figure(NAME, `${label} (${size}), p50 — total ${total}`, 'ms', p50));
      figures.push(figure(NAME, `${label}, p95`, 'ms', p95, { target: { op: '<', value: 100, text: '< 100 ms' } }));
    }
    return figures;
  },
};
