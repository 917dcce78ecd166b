/**
 * Numbers and words for the Personas and Loyalty pages. Money is currency-neutral (a store may sell
 * in several currencies): two decimals with the reader's grouping, e.g. 1,234.50.
 */

const moneyFormat = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const pointsFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const countFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

/** "1234.5" → "1,234.50"; anything unreadable → "—". */
export function formatMoney(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const number = Number(value);
  return Number.isFinite(number) ? moneyFormat.format(number) : '—';
}

/** "1250" → "1,250"; "12.5" → "12.5". */
export function formatPoints(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const number = Number(value);
  return Number.isFinite(number) ? pointsFormat.format(number) : '—';
}

/** A ledger change with its sign: "+120", "−40" (a real minus sign). */
export function formatSignedPoints(value: string | number): string {
  const number = Number(value);
  if (!Number.isFinite(number)) return String(value);
  const magnitude = pointsFormat.format(Math.abs(number));
  return number > 0 ? `+${magnitude}` : number < 0 ? `\u2212${magnitude}` : magnitude;
}

export function formatCount(value: number): string {
  return countFormat.format(value);
}

/** A list's total: "1,234", or "10,000+" when the server only counted that far (a lower bound). */
export function formatTotal(value: number, isLowerBound = false): string {
  return isLowerBound ? `${formatCount(value)}+` : formatCount(value);
}

/** "1 persona", "1,234 personas", "10,000+ personas" (a lower bound). */
export function countOf(value: number, noun: string, options: { plural?: string; isLowerBound?: boolean } = {}): string {
  const isLowerBound = options.isLowerBound ?? false;
  return `${formatTotal(value, isLowerBound)} ${value === 1 && !isLowerBound ? noun : (options.plural ?? `${noun}s`)}`;
}

const birthDateFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });

/** A calendar date (YYYY-MM-DD) shown as such, never shifted by the reader's time zone. */
export function formatCalendarDate(value: string | null): string {
  if (!value) return '—';
  const date = new Date(`${value.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? value : birthDateFormat.format(date);
}

export const ENROLMENT_BLOCK_WORDS: Record<string, string> = {
  age_gate_not_confirmed: 'age gate not confirmed',
  under_age: 'under the minimum age',
  employee: 'employee',
};
