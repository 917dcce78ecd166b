import { runFavoriteStoreRefresh } from '../../src/stores/favorite-store-refresh.ts';
import { saveStoreMappings } from '../../src/stores/retail-stores.ts';
import { generatedData } from '../lib/generated.ts';
import { figure } from '../lib/stats.ts';
import type { Scenario } from '../lib/types.ts';

const NAME = 'favorite-store';

/**
 * A mapping change on SQL-generated data: one outlet moves from its store to another (Save settings
 * on the Store Mappings page). The Save commits at once; the favorite-store-refresh job then
 * recomputes the favorite store of everyone who shopped there, in chunks. Both are timed, the job run
 * to the end in this process. Runs alternate: move there, move back. Also reports the initial favorite
 * computation for every persona done while generating the data.
 */
export const favoriteStore: Scenario = {
  name: NAME,
  runsByDefault: () => true,
  async run(context) {
    const data = await generatedData(context);
    const db = data.database.db;
    const [storeA, storeB] = data.storeIds;
    const [locationA, locationB] = data.locationIds;
    const saves: number[] = [];
    const jobs: number[] = [];
    const personas: number[] = [];
    for (let run = 1; run <= context.spec.runs; run++) {
      const moveThere = run % 2 === 1;
      const savedAt = performance.now();
      // Store A takes location B (moving it off store B), then gives it back.
      if (moveThere) await saveStoreMappings(db, data.companyId, storeA!, [locationA!, locationB!]);
      else await saveStoreMappings(db, data.companyId, storeB!, [locationB!]);
      const jobAt = performance.now();
      const job = await runFavoriteStoreRefresh(db, data.companyId);
      saves.push((jobAt - savedAt) / 1000);
      jobs.push((performance.now() - jobAt) / 1000);
      personas.push(job.personasRefreshed);
      context.log(`mapping change ${run}: Save ${(saves.at(-1)! * 1000).toFixed(0)} ms; ${job.personasRefreshed} personas re-checked by the job in ${jobs.at(-1)!.toFixed(1)} s`);
    }
    const size = `${data.personas.toLocaleString('en-US')} personas / ${data.sales.toLocaleString('en-US')} sales`;
    return [
      figure(NAME, `mapping change: Save settings answered (${size})`, 's', saves),
      figure(NAME, 'mapping change: favorites recomputed by the background job', 's', jobs),
      figure(NAME, 'personas re-checked by the job', 'personas', personas),
      figure(NAME, 'favorite store of every persona (refreshFavoriteStores, 10,000 per call)', 's', [data.setupSeconds['favorite stores']!], { note: 'one run, during data generation' }),
    ];
  },
};
