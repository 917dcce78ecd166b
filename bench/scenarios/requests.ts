import { figure } from '../lib/stats.ts';
import { backfillStore, BACKFILL_STORE, connectFresh, keepSynced, minimumRequests, servedPerResource, timedSync } from '../lib/sync-setup.ts';
import type { Scenario } from '../lib/types.ts';

const NAME = 'requests';

/**
 * API calls of a backfill against the fewest possible (every resource: its full pages plus the empty
 * page that ends it), and the 429s met on the way (none expected: the rate limit is off here, and
 * the rate-limited scenario covers pacing). Reuses the backfill scenario's runs when it ran.
 */
export const requests: Scenario = {
  name: NAME,
  runsByDefault: (spec) => spec.syncScenarios,
  async run(context) {
    let counted = context.shared.get('backfill-requests') as Array<{ made: number; minimum: number; tooMany: number }> | undefined;
    if (!counted) {
      backfillStore(context);
      const company = await connectFresh(context, BACKFILL_STORE);
      const synced = await timedSync(context, company, 'bench-requests');
      counted = [{ made: synced.requests, minimum: minimumRequests(await servedPerResource(company)), tooMany: synced.tooMany }];
      await keepSynced(context, company);
    }
    return [
      figure(NAME, 'backfill: requests made', 'requests', counted.map((run) => run.made)),
      figure(NAME, 'backfill: minimum possible (Σ ceil(n / max page) + 1)', 'requests', counted.map((run) => run.minimum)),
      figure(NAME, 'backfill: requests above the minimum', 'requests', counted.map((run) => run.made - run.minimum), { target: { op: '=', value: 0, text: '= 0' } }),
      figure(NAME, 'backfill: 429 answers', 'responses', counted.map((run) => run.tooMany), { target: { op: '=', value: 0, text: '= 0' } }),
    ];
  },
};
