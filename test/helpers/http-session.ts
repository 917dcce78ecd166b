/**
 * A tiny cookie-keeping HTTP client for API tests: each instance is one browser session.
 */
export class HttpSession {
  private cookie = '';

  constructor(readonly baseUrl: string) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const setCookie = response.headers.getSetCookie();
    for (const line of setCookie) {
      const [pair] = line.split(';');
      if (!pair) continue;
      const [name, value] = pair.split('=');
      // An expired/empty cookie is how the server clears it.
      this.cookie = value ? `${name}=${value}` : '';
    }
    const text = await response.text();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read response fields ad hoc
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, json, text };
  }

  get(path: string) {
    return this.request('GET', path);
  }

  post(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request('POST', path, body ?? {}, headers);
  }

  /** Signs up a new company with its admin, leaving this session signed in. */
  async signUp(overrides: Partial<{ companyName: string; name: string; email: string; password: string }> = {}) {
    const unique = Math.random().toString(36).slice(2, 8);
    const body = {
      companyName: `Company ${unique}`,
      name: 'Ada Admin',
      email: `admin-${unique}@example.com`,
      password: 'correct horse battery',
      ...overrides,
    };
    const response = await this.post('/api/auth/sign-up', body);
    if (response.status !== 201) throw new Error(`sign-up failed: ${response.status} ${response.text}`);
    return { ...body, user: response.json.user, company: response.json.company };
  }
}
