/**
 * An error meant for the person using Patron: an HTTP status, a stable code for programs, a message
 * that says what to fix, and optionally the form field it concerns.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string) => new AppError(404, 'not_found', `${what} was not found.`);
