/**
 * The "people pool": a person is a pure function of (peopleSeed, personIndex). Two stores built with the
 * same people seed draw from the same pool, so the same human shows up in both (possibly typed
 * differently), which is exactly the cross-store duplicate case a CRM has to deal with.
 */
import { hash32, Rng } from './random.ts';
import { CITIES, EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES, STREETS, SUBURBS } from './names.ts';

export interface Person {
  firstName: string;
  lastName: string;
  gender: 'M' | 'F' | null;
  email: string;
  phoneDigits: string;
  mobileDigits: string;
  /** YYYY-MM-DD */
  dateOfBirth: string;
  city: (typeof CITIES)[number];
  street: string;
  suburb: string;
}

/** Strip accents and punctuation so names can be used in an email local part. */
const emailSafeCache = new Map<string, string>();
function emailSafe(s: string): string {
  const hit = emailSafeCache.get(s);
  if (hit !== undefined) return hit;
  const v = s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
  emailSafeCache.set(s, v);
  return v;
}

export function person(peopleSeed: number, index: number): Person {
  const rng = new Rng(hash32(peopleSeed, 0x9e0913, index));
  const firstName = rng.pick(FIRST_NAMES);
  const lastName = rng.pick(LAST_NAMES);
  const style = rng.int(0, 3);
  const f = emailSafe(firstName);
  const l = emailSafe(lastName);
  // Fold the index in so that emails stay unique across a million people.
  const local = [`${f}.${l}${index}`, `${f[0] ?? 'x'}${l}${index}`, `${f}${index}`, `${l}.${f}.${index}`][style] ?? `${f}${index}`;
  const email = `${local}@${rng.pick(EMAIL_DOMAINS)}`;
  const phoneDigits = `${rng.int(201, 989)}${rng.int(200, 999)}${String(rng.int(0, 9999)).padStart(4, '0')}`;
  const mobileDigits = `${rng.int(201, 989)}${rng.int(200, 999)}${String(rng.int(0, 9999)).padStart(4, '0')}`;
  // About 12 % are born 2006 or later: under 21 in 2026, relevant to age-restricted campaigns.
  const year = rng.chance(0.12) ? rng.int(2006, 2011) : rng.int(1940, 2005);
  const month = rng.int(1, 12);
  const day = rng.int(1, 28);
  const g = rng.next();
  return {
    firstName,
    lastName,
    gender: g < 0.45 ? 'F' : g < 0.9 ? 'M' : null,
    email,
    phoneDigits,
    mobileDigits,
    dateOfBirth: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    city: rng.pick(CITIES),
    street: `${rng.int(1, 400)} ${rng.pick(STREETS)}`,
    suburb: rng.pick(SUBURBS),
  };
}
