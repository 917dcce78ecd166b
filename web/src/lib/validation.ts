/**
 * Client-side checks that mirror the server's field rules (src/http/fields.ts), so a person sees the
 * same message before a round trip. The server stays the authority: its errors are shown too.
 */

export type FieldErrors<Field extends string> = Partial<Record<Field, string>>;

export const PASSWORD_MIN_LENGTH = 10;
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function checkRequired(value: string, message: string, max = 200, tooLong = `Use at most ${max} characters.`): string | undefined {
  const trimmed = value.trim();
  if (!trimmed) return message;
  if (trimmed.length > max) return tooLong;
  return undefined;
}

export function checkEmail(value: string): string | undefined {
  const trimmed = value.trim();
  if (!trimmed) return 'Enter an email address.';
  if (trimmed.length > 254) return 'That email address is too long.';
  if (!EMAIL_SHAPE.test(trimmed)) return 'Enter a valid email address, like name@example.com.';
  return undefined;
}

export function checkNewPassword(value: string): string | undefined {
  if (!value) return 'Enter a password.';
  if (value.length < PASSWORD_MIN_LENGTH) return `Use a password of at least ${PASSWORD_MIN_LENGTH} characters.`;
  if (value.length > 200) return 'Passwords can be at most 200 characters.';
  return undefined;
}

/** Drops the fields that passed, so `Object.keys(errors).length === 0` means the form is valid. */
export function collectErrors<Field extends string>(checks: Record<Field, string | undefined>): FieldErrors<Field> {
  const errors: FieldErrors<Field> = {};
  for (const [field, message] of Object.entries(checks) as Array<[Field, string | undefined]>) {
    if (message) errors[field] = message;
  }
  return errors;
}

export function hasErrors(errors: Record<string, string | undefined>): boolean {
  return Object.values(errors).some(Boolean);
}
