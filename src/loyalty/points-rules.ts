import type { LoyaltyProgram } from './loyalty-program.ts';

/**
 * The pure rules of the program: what a sale is worth and who may earn. Kept free of I/O so the
 * ledger, the tests and a recomputation from scratch all apply exactly the same arithmetic.
 */
export type SaleFacts = {
  state: 'closed' | 'pending' | 'voided' | 'parked';
  deleted: boolean;
  attributes: string[];
  totalExclTax: number;
  totalInclTax: number;
  saleDate: string | null;
  isReturn: boolean;
};

/**
 * Points the sale is worth under the program: rounded down per sale (towards zero, so a return
 * deducts exactly what its sale earned). Zero for sales that do not earn: not closed, deleted,
 * before the start date, or of a fulfilment kind the program leaves out.
 */
export function salePoints(sale: SaleFacts, program: LoyaltyProgram, startDate: string | null): number {
  if (sale.state !== 'closed' || sale.deleted) return 0;
  if (sale.attributes.some((attribute) => !(program.earningAttributes as readonly string[]).includes(attribute))) return 0;
  if (startDate && sale.saleDate && sale.saleDate.slice(0, 10) < startDate) return 0;
  const amount = program.basis === 'tax_inclusive' ? sale.totalInclTax : sale.totalExclTax;
  const raw = amount * program.pointsPerUnit;
  // Money arrives as decimals; a hair of float noise must not cost a point (9.9999999 → 10).
  const points = Math.trunc(Math.abs(raw) + 1e-9) * Math.sign(raw);
  return points === 0 ? 0 : points;
}

export type MemberFacts = { ageGatePassed: boolean; birthDate: string | null; email: string | null; phone: string | null };

/** Why a persona may not earn, or null when it may. */
export function enrolmentBlock(member: MemberFacts, program: LoyaltyProgram, staffEmails: ReadonlySet<string>, today = new Date()): 'age_gate_not_confirmed' | 'under_age' | 'employee' | null {
  if (!member.ageGatePassed) return 'age_gate_not_confirmed';
  if (program.minimumAge !== null && member.birthDate && ageOn(member.birthDate, today) < program.minimumAge) return 'under_age';
  const email = member.email?.toLowerCase() ?? null;
  if (email && (program.blockedEmails.includes(email) || (program.blockPosStaff && staffEmails.has(email)))) return 'employee';
  if (member.phone && program.blockedPhones.includes(member.phone)) return 'employee';
  return null;
}

export function ageOn(birthDate: string, today: Date): number {
  const [year, month, day] = birthDate.slice(0, 10).split('-').map(Number) as [number, number, number];
  let age = today.getUTCFullYear() - year;
  if (today.getUTCMonth() + 1 < month || (today.getUTCMonth() + 1 === month && today.getUTCDate() < day)) age--;
  return age;
}
