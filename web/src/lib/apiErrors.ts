import { ApiError } from '../api/client.ts';
import type { FieldErrors } from './validation.ts';

/**
 * Splits a failed request into a message beside one of the form's fields (when the server named it)
 * or a message for the top of the form. `fields` lists the form's fields, or maps the server's field
 * path (e.g. `settings.syncIntervalMinutes`) to one.
 */
export function routeApiError<Field extends string>(
  error: unknown,
  fields: readonly Field[] | ((path: string | undefined) => Field | undefined),
): { fieldErrors: FieldErrors<Field>; formError: string | undefined } {
  if (error instanceof ApiError) {
    const field = typeof fields === 'function' ? fields(error.field) : fields.find((name) => name === error.field);
    if (field) return { fieldErrors: { [field]: error.message } as FieldErrors<Field>, formError: undefined };
    return { fieldErrors: {}, formError: error.message };
  }
  return { fieldErrors: {}, formError: 'Something unexpected went wrong. Try again.' };
}
