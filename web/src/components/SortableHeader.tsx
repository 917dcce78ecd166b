type SortableHeaderProps<Sort extends string> = {
  label: string;
  sort: Sort;
  /** The column the table is sorted by now. */
  current: Sort;
  direction: 'asc' | 'desc';
  onSort: (sort: Sort) => void;
  align?: 'start' | 'end';
};

/**
 * A column header that sorts the table: a button inside the <th>, which carries aria-sort. Clicking
 * the sorted column again reverses it.
 */
export function SortableHeader<Sort extends string>({ label, sort, current, direction, onSort, align = 'start' }: SortableHeaderProps<Sort>) {
  const active = sort === current;
  const ariaSort = active ? (direction === 'asc' ? 'ascending' : 'descending') : 'none';
  const arrow = active ? (direction === 'asc' ? '↑' : '↓') : '↕';
  return (
    <th scope="col" aria-sort={ariaSort} className={['sortable-th', align === 'end' ? 'th-end' : '', active ? 'is-sorted' : ''].filter(Boolean).join(' ')}>
      <button type="button" className="sort-button" onClick={() => onSort(sort)}>
        <span>{label}</span>
        <span className="sort-arrow" aria-hidden="true">
          {arrow}
        </span>
      </button>
    </th>
  );
}
