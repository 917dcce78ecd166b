import { useEffect, useId, useRef, useState } from 'react';
import { SetupChecklist } from '../../components/SetupChecklist.tsx';
import { SearchInput } from '../../components/SearchInput.tsx';
import { Link, useLocation } from 'react-router-dom';
import { ApiError, isAbort } from '../../api/client.ts';
import {
  personaExportUrl,
  personasApi,
  type LoyaltyFilter,
  type PersonaPage,
  type PersonaRow,
  type PersonaSort,
  type RetailStoreOption,
} from '../../api/personas.ts';
import { Alert } from '../../components/Alert.tsx';
import { Button } from '../../components/Button.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { UsersIcon } from '../../components/Icons.tsx';
import { Loading } from '../../components/Loading.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { SortableHeader } from '../../components/SortableHeader.tsx';
import { SourceBadges } from '../../components/SourceBadges.tsx';
import { formatDate, formatDateTime } from '../../lib/format.ts';
import { countOf, formatCount, formatMoney, formatPoints, formatTotal } from './personaFormat.ts';
import { defaultDirection, hasActiveFilter, PAGE_SIZE, usePersonaListQuery, type ListView } from './usePersonaListQuery.ts';

/** How long typing must pause before the search goes to the server. */
const SEARCH_DELAY_MS = 250;

type ListState =
  | { status: 'loading' }
  | { status: 'loaded'; key: string; search: string; page: PersonaPage }
  | { status: 'error'; message: string; page?: PersonaPage | undefined };

const SOURCE_OPTIONS = [
  { value: '', label: 'All sources' },
  { value: 'lightspeed', label: 'lightspeed' },
] as const;

const LOYALTY_OPTIONS: ReadonlyArray<{ value: LoyaltyFilter | ''; label: string }> = [
  { value: '', label: 'All' },
  { value: 'enrolled', label: 'Enrolled' },
  { value: 'not_enrolled', label: 'Age gate not confirmed' },
];

function viewKey(view: ListView): string {
  return JSON.stringify([view.q.trim(), view.sourcedFrom, view.favoriteStoreId, view.loyalty, view.archived, view.sort, view.direction, view.cursor]);
}

/**
 * Personas: one row per real person, merged from the point-of-sale customers of every connected
 * store, with where each was sourced from. Filters, sort and page live in the address. Until a point
 * of sale is connected there are none, and the page says how to get them.
 */
const EMPTY_REFRESH_MS = 3000;

export function PersonasPage() {
  const { view, update, goNext, goPrevious } = usePersonaListQuery();
  const [list, setList] = useState<ListState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const stores = useRetailStores();
  const key = viewKey(view);
  const { search } = useLocation();

  useEffect(() => {
    const controller = new AbortController();
    personasApi
      .list(
        {
          q: view.q,
          sourcedFrom: view.sourcedFrom,
          favoriteStoreId: view.favoriteStoreId,
          loyalty: view.loyalty,
          archived: view.archived,
          sort: view.sort,
          direction: view.direction,
          cursor: view.cursor,
          limit: PAGE_SIZE,
        },
        controller.signal,
      )
      .then(
        (page) => setList({ status: 'loaded', key, search, page }),
        (error: unknown) => {
          if (isAbort(error)) return;
          setList((current) => ({
            status: 'error',
            message: error instanceof ApiError ? error.message : 'Could not load the personas.',
            page: current.status === 'loaded' ? current.page : current.status === 'error' ? current.page : undefined,
          }));
        },
      );
    return () => controller.abort();
    // `key` captures every part of the view the request uses.
  }, [key, attempt]);

  const filtered = hasActiveFilter(view);
  const page = list.status === 'loaded' ? list.page : list.status === 'error' ? list.page : undefined;
  const stale = list.status !== 'loaded' || list.key !== key;
  const nothingAtAll = list.status === 'loaded' && !stale && list.page.total === 0 && !filtered && !view.cursor;

  // Right after connecting, the first personas are seconds away: look again until they arrive.
  useEffect(() => {
    if (!nothingAtAll) return;
    const timer = window.setInterval(() => setAttempt((current) => current + 1), EMPTY_REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [nothingAtAll]);

  const header = (
    <PageHeader
      title="Personas"
      description="Your customers, one profile per person, gathered from the systems you connect to Patron."
      actions={
        nothingAtAll ? undefined : (
          <a className="btn btn-secondary" href={personaExportUrl(view)} download>
            <span>Export CSV</span>
          </a>
        )
      }
    />
  );

  if (nothingAtAll) {
    return (
      <div className="page">
        {header}
        <SetupChecklist />
        <EmptyState
          icon={<UsersIcon size={28} />}
          title="No personas yet"
          action={
            <Link to="/settings/integrations" className="btn btn-primary">
              <span>Open Integrations</span>
            </Link>
          }
        >
          <p>
            Connect your point of sale in <Link to="/settings/integrations">Settings &gt; Integrations</Link> to see your
            customers here.
          </p>
        </EmptyState>
      </div>
    );
  }

  return (
    <div className="page">
      {header}
      <SetupChecklist />
      <PersonaFiltersBar view={view} stores={stores} onChange={update} />

      {list.status === 'error' && (
        <Alert title="Could not load the personas">
          <p>{list.message}</p>
          <Button variant="secondary" className="alert-action" onClick={() => setAttempt((current) => current + 1)}>
            Try again
          </Button>
        </Alert>
      )}

      {!page && list.status === 'loading' && <Loading label="Loading personas…" />}

      {page && (
        <section
          className="card persona-list-card"
          aria-label="Personas list"
          data-state={stale ? 'loading' : 'ready'}
          data-for={list.status === 'loaded' ? list.search : undefined}
        >
          <div className="persona-list-summary">
            <p
              className="persona-total"
              data-testid="persona-total"
              role="status"
              aria-live="polite"
              title={!stale && page.totalIsLowerBound ? 'With a search or filter on, matches are counted up to 10,000.' : undefined}
            >
              {stale ? 'Loading…' : countOf(page.total, 'persona', { isLowerBound: page.totalIsLowerBound })}
            </p>
            {stale && <span className="spinner spinner-sm" aria-hidden="true" />}
          </div>
          {page.personas.length === 0 && !stale ? (
            <div className="persona-no-match">
              <p>
                <strong>No personas match these filters.</strong>
              </p>
              <Button
                variant="secondary"
                onClick={() => update({ q: '', sourcedFrom: '', favoriteStoreId: '', loyalty: '', archived: false })}
              >
                Clear filters
              </Button>
            </div>
          ) : (
            <PersonaTable rows={page.personas} view={view} stale={stale} onSort={(sort) => update(sortChange(view, sort))} />
          )}
          <Pager view={view} page={page} stale={stale} onNext={goNext} onPrevious={goPrevious} />
        </section>
      )}
    </div>
  );
}

function sortChange(view: ListView, sort: PersonaSort) {
  if (view.sort === sort) return { sort, direction: view.direction === 'asc' ? ('desc' as const) : ('asc' as const) };
  return { sort, direction: defaultDirection(sort) };
}

function PersonaFiltersBar({
  view,
  stores,
  onChange,
}: {
  view: ListView;
  stores: RetailStoreOption[] | undefined;
  onChange: ReturnType<typeof usePersonaListQuery>['update'];
}) {
  const searchId = useId();
  const sourceId = useId();
  const storeId = useId();
  const loyaltyId = useId();
  const archivedId = useId();
  const [input, setInput] = useState(view.q);
  const pushed = useRef(view.q);

  // Back and Forward change the address: the box follows it (but not an echo of our own typing).
  useEffect(() => {
    if (view.q !== pushed.current) setInput(view.q);
    pushed.current = view.q;
  }, [view.q]);

  useEffect(() => {
    if (input === view.q) return;
    const timer = window.setTimeout(() => {
      pushed.current = input;
      onChange({ q: input }, { replace: true });
    }, SEARCH_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [input, view.q, onChange]);

  // A store chosen in the address but not (or no longer) in the list still shows as chosen.
  const storeOptions = [...(stores ?? [])];
  if (view.favoriteStoreId && !storeOptions.some((store) => store.id === view.favoriteStoreId)) {
    storeOptions.push({ id: view.favoriteStoreId, name: stores ? 'A store no longer listed' : 'Loading stores…' });
  }

  return (
    <form className="persona-filters" role="search" aria-label="Filter personas" onSubmit={(event) => event.preventDefault()}>
      <div className="persona-filter persona-filter-search">
        <label htmlFor={searchId} className="field-label">
          Search personas
        </label>
        <SearchInput id={searchId} className="persona-search-input" placeholder="Name, email or phone" value={input} onChange={setInput} onClear={() => setInput('')} />
      </div>
      <div className="persona-filter">
        <label htmlFor={sourceId} className="field-label">
          Sourced from
        </label>
        <select id={sourceId} className="input select" value={view.sourcedFrom} onChange={(event) => onChange({ sourcedFrom: event.target.value })}>
          {SOURCE_OPTIONS.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
          {view.sourcedFrom && !SOURCE_OPTIONS.some((option) => option.value === view.sourcedFrom) && (
            <option value={view.sourcedFrom}>{view.sourcedFrom}</option>
          )}
        </select>
      </div>
      <div className="persona-filter">
        <label htmlFor={storeId} className="field-label">
          Favorite store
        </label>
        <select id={storeId} className="input select" value={view.favoriteStoreId} onChange={(event) => onChange({ favoriteStoreId: event.target.value })}>
          <option value="">All stores</option>
          {storeOptions.map((store) => (
            <option key={store.id} value={store.id}>
              {store.name}
            </option>
          ))}
        </select>
      </div>
      <div className="persona-filter">
        <label htmlFor={loyaltyId} className="field-label">
          Loyalty
        </label>
        <select id={loyaltyId} className="input select" value={view.loyalty} onChange={(event) => onChange({ loyalty: event.target.value as LoyaltyFilter | '' })}>
          {LOYALTY_OPTIONS.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      </div>
      <label className="check-item persona-filter-archived" htmlFor={archivedId}>
        <input id={archivedId} type="checkbox" checked={view.archived} onChange={(event) => onChange({ archived: event.target.checked })} />
        <span>Show archived</span>
      </label>
    </form>
  );
}

function PersonaTable({ rows, view, stale, onSort }: { rows: PersonaRow[]; view: ListView; stale: boolean; onSort: (sort: PersonaSort) => void }) {
  const sortProps = (sort: PersonaSort) => ({ sort, current: view.sort, direction: view.direction, onSort });
  return (
    <div className="persona-table-wrap">
      <table className={stale ? 'table persona-table is-stale' : 'table persona-table'} aria-label="Personas" aria-busy={stale || undefined}>
        <colgroup>
          <col className="col-name" />
          <col className="col-email" />
          <col className="col-phone" />
          <col className="col-store" />
          <col className="col-points" />
          <col className="col-spend" />
          <col className="col-visits" />
          <col className="col-last-visit" />
          <col className="col-source" />
        </colgroup>
        <thead>
          <tr>
            <SortableHeader label="Name" {...sortProps('name')} />
            <th scope="col">Email</th>
            <th scope="col">Phone</th>
            <th scope="col">Favorite store</th>
            <SortableHeader label="Points" align="end" {...sortProps('points')} />
            <SortableHeader label="Lifetime spend" align="end" {...sortProps('lifetime_spend')} />
            <SortableHeader label="Visits" align="end" {...sortProps('visits')} />
            <SortableHeader label="Last visit" {...sortProps('last_visit')} />
            <th scope="col">Sourced from</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              <td className="cell-truncate">
                <Link to={`/personas/${row.id}`} className="persona-name-link" title={row.name}>
                  {row.name || 'Unnamed customer'}
                </Link>
                {row.archived && <span className="badge persona-archived-badge">Archived</span>}
              </td>
              <td className="cell-truncate" title={row.email ?? undefined}>
                {row.email ?? <span className="muted">—</span>}
              </td>
              <td className="cell-truncate persona-phone" title={row.phone ?? undefined}>
                {row.phone ?? <span className="muted">—</span>}
              </td>
              <td className="cell-truncate" title={row.favoriteStore?.name}>
                {row.favoriteStore?.name ?? <span className="muted">—</span>}
              </td>
              <td className="cell-number" title={row.loyaltyEnrolled ? undefined : 'Not enrolled in loyalty'}>
                <span className={row.loyaltyEnrolled ? undefined : 'muted'}>{formatPoints(row.points)}</span>
              </td>
              <td className="cell-number">{formatMoney(row.lifetimeSpend)}</td>
              <td className="cell-number">{formatCount(row.visits)}</td>
              <td className="cell-date" title={row.lastVisitAt ? formatDateTime(row.lastVisitAt) : undefined}>
                {row.lastVisitAt ? formatDate(row.lastVisitAt) : <span className="muted">Never</span>}
              </td>
              <td data-column="sourced-from">
                <SourceBadges sources={row.sourcedFrom} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Pager({
  view,
  page,
  stale,
  onNext,
  onPrevious,
}: {
  view: ListView;
  page: PersonaPage;
  stale: boolean;
  onNext: (cursor: string) => void;
  onPrevious: () => void;
}) {
  const onFirstPage = !view.cursor;
  // The position is known when this page was reached with Next from the first page.
  const known = onFirstPage || view.previous.length > 0;
  const index = onFirstPage ? 0 : view.previous.length;
  const from = index * PAGE_SIZE + 1;
  const to = index * PAGE_SIZE + page.personas.length;
  if (onFirstPage && !page.nextCursor) return null;
  const total = formatTotal(page.total, page.totalIsLowerBound);
  return (
    <nav className="pager" aria-label="Pages">
      <p className="muted pager-position">
        {known && page.personas.length > 0 ? `${formatCount(from)}–${formatCount(to)} of ${total}` : `${total} in all`}
      </p>
      <div className="pager-buttons">
        <Button variant="secondary" onClick={onPrevious} disabled={onFirstPage || stale}>
          Previous
        </Button>
        <Button variant="secondary" onClick={() => page.nextCursor && onNext(page.nextCursor)} disabled={!page.nextCursor || stale}>
          Next
        </Button>
      </div>
    </nav>
  );
}

/** The company's retail stores, for the Favorite store filter; an empty list if they cannot be loaded. */
function useRetailStores(): RetailStoreOption[] | undefined {
  const [stores, setStores] = useState<RetailStoreOption[]>();
  useEffect(() => {
    const controller = new AbortController();
    personasApi.retailStores(controller.signal).then(
      (result) => setStores([...result.stores].sort((a, b) => a.name.localeCompare(b.name))),
      (error: unknown) => {
        if (!isAbort(error)) setStores([]);
      },
    );
    return () => controller.abort();
  }, []);
  return stores;
}
