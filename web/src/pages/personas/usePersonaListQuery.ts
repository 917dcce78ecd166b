import { useCallback, useMemo } from 'react';
import { useLocation, useSearchParams } from 'react-router-dom';
import { personaSorts, type LoyaltyFilter, type PersonaFilters, type PersonaSort, type SortDirection } from '../../api/personas.ts';

export const PAGE_SIZE = 50;

/** Names read best A→Z; every other column most-first (the server's defaults too). */
export function defaultDirection(sort: PersonaSort): SortDirection {
  return sort === 'name' ? 'asc' : 'desc';
}

export type ListView = PersonaFilters & {
  sort: PersonaSort;
  direction: SortDirection;
  /** The keyset cursor of the page shown; '' for the first page. */
  cursor: string;
  /** The cursors of the pages before this one, oldest first ('' is the first page). Kept in history state. */
  previous: string[];
};

type HistoryState = { previousCursors?: unknown } | null | undefined;

function readView(params: URLSearchParams, state: HistoryState): ListView {
  const sortParam = params.get('sort');
  const sort: PersonaSort = (personaSorts as readonly string[]).includes(sortParam ?? '') ? (sortParam as PersonaSort) : 'last_visit';
  const directionParam = params.get('direction');
  const direction: SortDirection = directionParam === 'asc' || directionParam === 'desc' ? directionParam : defaultDirection(sort);
  const loyaltyParam = params.get('loyalty');
  const loyalty: LoyaltyFilter | '' = loyaltyParam === 'enrolled' || loyaltyParam === 'not_enrolled' ? loyaltyParam : '';
  const cursor = params.get('cursor') ?? '';
  const stored = state?.previousCursors;
  const previous = cursor && Array.isArray(stored) ? stored.filter((item): item is string => typeof item === 'string') : [];
  return {
    q: params.get('q') ?? '',
    sourcedFrom: params.get('sourcedFrom') ?? '',
    favoriteStoreId: params.get('favoriteStoreId') ?? '',
    loyalty,
    archived: params.get('archived') === 'true',
    sort,
    direction,
    cursor,
    previous,
  };
}

function writeParams(view: ListView): URLSearchParams {
  const params = new URLSearchParams();
  if (view.q) params.set('q', view.q);
  if (view.sourcedFrom) params.set('sourcedFrom', view.sourcedFrom);
  if (view.favoriteStoreId) params.set('favoriteStoreId', view.favoriteStoreId);
  if (view.loyalty) params.set('loyalty', view.loyalty);
  if (view.archived) params.set('archived', 'true');
  if (view.sort !== 'last_visit') params.set('sort', view.sort);
  if (view.direction !== defaultDirection(view.sort)) params.set('direction', view.direction);
  if (view.cursor) params.set('cursor', view.cursor);
  return params;
}

export function hasActiveFilter(view: PersonaFilters): boolean {
  return Boolean(view.q.trim() || view.sourcedFrom || view.favoriteStoreId || view.loyalty || view.archived);
}

/**
 * The list's filters, sort and page, kept in the address so Back, Forward and reload show the same
 * list. The cursors of earlier pages ride along in the history entry's state, for "Previous".
 */
export function usePersonaListQuery() {
  const [searchParams, setSearchParams] = useSearchParams();
  const location = useLocation();
  const state = location.state as HistoryState;
  const view = useMemo(() => readView(searchParams, state), [searchParams, state]);

  /** Changes filters or sort: back to the first page. Typing replaces the history entry; the rest push one. */
  const update = useCallback(
    (change: Partial<PersonaFilters & { sort: PersonaSort; direction: SortDirection }>, options: { replace?: boolean } = {}) => {
      const next: ListView = { ...view, ...change, cursor: '', previous: [] };
      setSearchParams(writeParams(next), { replace: options.replace ?? false, state: null });
    },
    [view, setSearchParams],
  );

  const goNext = useCallback(
    (nextCursor: string) => {
      const next: ListView = { ...view, cursor: nextCursor, previous: [...view.previous, view.cursor] };
      setSearchParams(writeParams(next), { state: { previousCursors: next.previous } });
    },
    [view, setSearchParams],
  );

  const goPrevious = useCallback(() => {
    const previous = [...view.previous];
    const cursor = previous.pop() ?? '';
    const next: ListView = { ...view, cursor, previous };
    setSearchParams(writeParams(next), { state: cursor ? { previousCursors: previous } : null });
  }, [view, setSearchParams]);

  return { view, update, goNext, goPrevious };
}
