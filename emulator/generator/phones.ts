/**
 * Phone numbers as merchants actually type them: the same ten digits appear in several formats, so the
 * sync's matching and normalisation code gets realistic input.
 */
export type PhoneFormat = 'paren' | 'intl' | 'dots' | 'plain' | 'dashes' | 'intl_compact';
export const PHONE_FORMATS: readonly PhoneFormat[] = ['paren', 'intl', 'dots', 'plain', 'dashes', 'intl_compact'];

/** `digits` is a 10-digit national number such as "5551234567". */
export function formatPhone(digits: string, format: PhoneFormat): string {
  const a = digits.slice(0, 3);
  const b = digits.slice(3, 6);
  const c = digits.slice(6, 10);
  switch (format) {
    case 'paren':
      return `(${a}) ${b}-${c}`;
    case 'intl':
      return `+1 ${a} ${b} ${c}`;
    case 'dots':
      return `${a}.${b}.${c}`;
    case 'plain':
      return digits;
    case 'dashes':
      return `${a}-${b}-${c}`;
    case 'intl_compact':
      return `+1${digits}`;
  }
}
