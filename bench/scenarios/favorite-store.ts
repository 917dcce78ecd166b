import { saveStoreMappings } from '../../src/stores/retail-stores.ts';
import { generatedData } from '../lib/generated.ts';
import { figure } from '../lib/stats.ts';
import type { Scenario } from '../lib/types.ts';

const NAME = 'favorite-store';

/**
 * A mapping change on SQL-generated data: one outlet moves from its store to another (Save settings
 * on the Store Mappings page), which recomputes the favorite store of everyone who shopped there, in
 * the request's transaction. Runs alternate: move there, move back. Also reports the initial favorite
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
    const times: number[] = [];
    const personas: number[] = [];
    for (let run = 1; run <= context.spec.runs; run++) {
      const moveThere = run % 2 === 1;
      const startedAt = performance.now();
      // Store A takes location B (moving it off store B), then gives it back.
      const result = moveThere ? await saveStoreMappings(db, data.companyId, storeA!, [locationA!, locationB!]) : await saveStoreMappings(db, data.companyId, storeB!, [locationB!]);
      times.push((performance.now() - startedAt) / 1000);
      personas.push(result.personasUpdated);
      context.log(`mapping change ${run}: ${result.personasUpdated} personas re-checked in ${times.at(-1)!.toFixed(1)} s`);
    }
    const size = `${data.personas.toLocaleString('en-US')} personas / ${data.sales.toLocaleString('en-US')} sales`;
    return [
      figure(NAME, `mapping change → favorites recomputed (${size})`, 's', times),
      figure(NAME, 'personas re-checked by that change', 'personas', personas),
      figure(NAME, 'favorite store of every persona (refreshFavoriteStores, 10,000 per call)', 's', [data.setupSeconds['favorite stores']!], { note: 'one run, during data generation' }),
    ];
  },
};
