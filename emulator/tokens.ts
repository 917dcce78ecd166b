/**
 * Personal tokens of one store. The real back office mints them (there is no API for it); the emulator
 * exposes minting, listing and revocation through its admin API so tests can exercise expiry and revocation.
 */
import { ALNUM, hash32, Rng } from './generator/random.ts';

export interface TokenInfo {
  /** Stable handle for admin calls, so the secret itself need not be passed around. */
  id: string;
  name: string;
  token: string;
  createdAt: string;
  /** ISO timestamp, or null for a token that never expires (the back-office default). */
  expiresAt: string | null;
  revokedAt: string | null;
}

export type TokenCheck = 'ok' | 'missing' | 'invalid' | 'expired' | 'revoked';

export class TokenRegistry {
  private readonly byToken = new Map<string, TokenInfo>();
  private readonly rng: Rng;
  private seq = 0;
  constructor(seed: number, private readonly now: () => number) {
    this.rng = new Rng(hash32(seed, 0x70ce));
  }

  /** Mint a token; `token` may be given to pin a value (e.g. in a demo script). */
  create(opts: { name?: string; expiresAt?: string | number | Date | null; token?: string } = {}): TokenInfo {
    const token = opts.token ?? `lsxs_pt_${this.rng.chars(32, ALNUM)}`;
    if (this.byToken.has(token)) throw new Error('token already exists');
    const exp = opts.expiresAt == null ? null : new Date(opts.expiresAt).toISOString();
    const info: TokenInfo = {
      id: `tok_${++this.seq}`,
      name: opts.name ?? `Token ${this.seq}`,
      token,
      createdAt: new Date(this.now()).toISOString(),
      expiresAt: exp,
      revokedAt: null,
    };
    this.byToken.set(token, info);
    return info;
  }

  list(): TokenInfo[] {
    return [...this.byToken.values()];
  }

  find(tokenOrId: string): TokenInfo | undefined {
    return this.byToken.get(tokenOrId) ?? this.list().find((t) => t.id === tokenOrId);
  }

  revoke(tokenOrId: string): boolean {
    const t = this.find(tokenOrId);
    if (!t || t.revokedAt) return false;
    t.revokedAt = new Date(this.now()).toISOString();
    return true;
  }

  setExpiry(tokenOrId: string, expiresAt: string | number | Date | null): boolean {
    const t = this.find(tokenOrId);
    if (!t) return false;
    t.expiresAt = expiresAt == null ? null : new Date(expiresAt).toISOString();
    return true;
  }

  /** Check an Authorization header value. Only "Bearer <token>" counts; the prefix is not validated. */
  check(header: string | undefined): TokenCheck {
    if (!header) return 'missing';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m?.[1]) return 'invalid';
    const t = this.byToken.get(m[1]);
    if (!t) return 'invalid';
    if (t.revokedAt) return 'revoked';
    if (t.expiresAt && Date.parse(t.expiresAt) <= this.now()) return 'expired';
    return 'ok';
  }
}
