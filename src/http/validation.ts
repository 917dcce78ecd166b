import type { z } from 'zod';
import { AppError } from './errors.ts';

/**
 * Parses untrusted input with a zod schema. On failure the first problem becomes a 400 whose message
 * names the field and says what to fix; the field is returned so a form can highlight it.
 */
export function parseInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.infer<Schema> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') || undefined;
  const message = issue?.message ?? 'The request is not valid.';
  throw new AppError(400, 'invalid_input', message, field);
}
