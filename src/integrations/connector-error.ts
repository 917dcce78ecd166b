/**
 * Everything that can go wrong talking to a POS, sorted into the few kinds a caller acts on
 * differently. Messages never contain a token.
 */
export type ConnectorErrorKind =
  | 'auth' // 401: token wrong, revoked or expired — ask the retailer for a new one
  | 'forbidden' // 403: the token lacks a right
  | 'store_not_found' // no store answers at this address
  | 'not_found' // the store answers, but the requested record does not exist
  | 'rate_limited' // 429: wait `retryAfterMs`, then carry on
  | 'transient' // 5xx, network, timeout: retry with back-off
  | 'bad_payload'; // the answer does not have the shape we rely on

export class ConnectorError extends Error {
  override name = 'ConnectorError';

  constructor(
    readonly kind: ConnectorErrorKind,
    message: string,
    readonly details: { status?: number; retryAfterMs?: number; path?: string; request?: string } = {},
  ) {
    super(message);
  }

  get retryable(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'transient';
  }
}
