import type { FavoriteStoreRefresh } from '../../../api/stores.ts';

/** Whole percent, rounded down so 100 % only shows when the last persona is done. */
function percentDone(done: number, total: number): number {
  return total === 0 ? 0 : Math.floor((done / total) * 100);
}

/**
 * "Updating favorite stores… 40 %" while the favorite stores are recomputed after a change, then
 * "Favorite stores are up to date." once `finished`. Nothing when idle and not just finished.
 */
export function FavoriteStoreRefreshNote({ status, finished }: { status: FavoriteStoreRefresh; finished: boolean }) {
  if (status.state === 'idle') {
    return finished ? (
      <p className="favorite-refresh favorite-refresh-done" role="status" data-testid="favorite-store-refresh">
        Favorite stores are up to date.
      </p>
    ) : null;
  }
  const percent = status.state === 'running' ? percentDone(status.personasDone, status.personasTotal) : null;
  return (
    <div className="favorite-refresh" data-testid="favorite-store-refresh">
      <p role="status">Updating favorite stores…{percent === null ? '' : ` ${percent} %`}</p>
      <progress className="favorite-refresh-progress" aria-label="Favorite stores updated so far" max={100} value={percent ?? undefined} />
    </div>
  );
}
