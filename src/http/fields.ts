import { z } from 'zod';

/** Field rules shared by every form that asks for them, with messages a person can act on. */
export const emailField = z
  .string({ error: 'Enter an email address.' })
  .trim()
  .toLowerCase()
  .min(1, 'Enter an email address.')
  .max(254, 'That email address is too long.')
  .pipe(z.email({ error: 'Enter a valid email address, like name@example.com.' }));

export const personNameField = z
  .string({ error: 'Enter a name.' })
  .trim()
  .min(1, 'Enter a name.')
  .max(200, 'Names can be at most 200 characters.')
  // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
  .refine((value) => !/[\u0000-\u001f\u007f]/.test(value), 'Names cannot contain control characters.');

export const newPasswordField = z
  .string({ error: 'Enter a password.' })
  .min(10, 'Use a password of at least 10 characters.')
  .max(200, 'Passwords can be at most 200 characters.');
