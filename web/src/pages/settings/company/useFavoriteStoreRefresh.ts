import { useCallback, useEffect, useRef, useState } from 'react';
import { isAbort } from '../../../api/client.ts';
import { storesApi, type FavoriteStoreRefresh } from '../../../api/stores.ts';

/** Polling pace while favorite stores are being recomputed: the progress moves every second or so. */
const POLL_MS = 1000;

/**
 * The favorite-store recomputation as the Retail Store pages show it. `track` takes the state a load
 * or a save answered with; while it is not idle this polls until it is, then calls `onFinished` (the
 * pages reload their figures) and reports `finished` until work is tracked again.
 */
export function useFavoriteStoreRefresh(onFinished?: () => void) {
  const [status, setStatus] = useState<FavoriteStoreRefresh>({ state: 'idle' });
  const [finished, setFinished] = useState(false);
  // A failed look is retried at the same pace: the work goes on on the server regardless.
  const [failedLooks, setFailedLooks] = useState(0);
  const finishedRef = useRef(onFinished);
  useEffect(() => {
    finishedRef.current = onFinished;
  });

  const track = useCallback((next: FavoriteStoreRefresh) => {
    setStatus(next);
    // The reload that follows the end answers "idle": "up to date" stays until new work shows up.
    if (next.state !== 'idle') setFinished(false);
  }, []);

  useEffect(() => {
    if (status.state === 'idle') return;
    const controller = new AbortController();
    const timer = window.setTimeout(async () => {
      try {
        const { favoriteStores } = await storesApi.favoriteStoreRefresh(controller.signal);
        setStatus(favoriteStores);
        if (favoriteStores.state === 'idle') {
          setFinished(true);
          finishedRef.current?.();
        }
      } catch (error) {
        if (!isAbort(error)) setFailedLooks((count) => count + 1);
      }
    }, POLL_MS);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [status, failedLooks]);

  return { status, finished, track };
}
