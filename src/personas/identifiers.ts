import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * The identifiers two source records must share to be the same person: an email address, or a phone
 * number. Both are normalized so formatting differences never hide a match.
 */

/** Trimmed and lower-cased; null unless it looks like an address (something@domain.tld). */
export function normalizeEmail(value: string | null | undefined): string | null {
  if (!value) return null;
  const email = value.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? email : null;
}

/**
 * E.164 (`+15551234567`), reading national formats in the store's country. Numbers that could be a
 * real number's length are accepted even if the exchange is unassigned (test data, new ranges);
 * anything shorter or with letters is not an identifier.
 */
export function normalizePhone(value: string | null | undefined, defaultRegion: string | null): string | null {
  if (!value) return null;
  const text = value.trim();
  if (!/\d/.test(text) || /[a-z]/i.test(text.replace(/\b(ext|x)\.?\s*\d+$/i, ''))) return null;
  const region = (defaultRegion?.toUpperCase() || 'US') as CountryCode;
  const parsed = parsePhoneNumberFromString(text, region);
  if (!parsed || !parsed.isPossible()) return null;
  return parsed.number;
}

export type IdentitySource = {
  customerCode: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phones: string[];
  deleted: boolean;
  excludedGroup: boolean;
};

/**
 * Whether a source record becomes (part of) a persona. Deleted records, the POS's walk-in
 * placeholder, customers in an excluded group, and records with neither email nor phone stay source
 * records only: there is nobody to market to or recognise.
 */
export function personaEligibility(source: IdentitySource): { eligible: true } | { eligible: false; reason: 'deleted' | 'walk_in' | 'excluded_group' | 'no_contact' } {
  if (source.deleted) return { eligible: false, reason: 'deleted' };
  const code = source.customerCode?.toUpperCase() ?? '';
  if (code === 'WALKIN' || code.startsWith('WALK-IN')) return { eligible: false, reason: 'walk_in' };
  if (source.excludedGroup) return { eligible: false, reason: 'excluded_group' };
  if (!source.email && source.phones.length === 0) return { eligible: false, reason: 'no_contact' };
  return { eligible: true };
}
