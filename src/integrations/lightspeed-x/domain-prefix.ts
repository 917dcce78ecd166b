/**
 * The store's domain prefix is the first label of its Lightspeed address: `mystore` in
 * `https://mystore.retail.lightspeed.app`. Retailers paste all sorts of things into the field, so
 * this accepts the prefix alone or any Lightspeed address of the store, and rejects everything else:
 * the prefix ends up in a URL that carries the retailer's token, so it must never be able to point
 * that request at another host.
 */
export type DomainPrefixResult = { ok: true; domainPrefix: string } | { ok: false; message: string };

const LIGHTSPEED_HOST_SUFFIXES = ['.retail.lightspeed.app', '.vendhq.com'];
// A DNS label: letters, digits and inner hyphens, 1 to 63 characters.
const PREFIX_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

const HOW_TO_FIND =
  'Paste the store name from your Lightspeed address: for https://mystore.retail.lightspeed.app, enter mystore.';

export function parseDomainPrefix(input: unknown): DomainPrefixResult {
  if (typeof input !== 'string') return { ok: false, message: `Enter your store's domain prefix. ${HOW_TO_FIND}` };
  let text = input.trim().toLowerCase();
  if (text === '') return { ok: false, message: `Enter your store's domain prefix. ${HOW_TO_FIND}` };
  if (text.length > 253) return { ok: false, message: `That is too long for a domain prefix. ${HOW_TO_FIND}` };

  const looksLikeAddress = text.includes('.') || text.includes('/') || text.includes(':') || text.includes('@');
  if (looksLikeAddress) {
    const host = hostOf(text);
    if (!host) return { ok: false, message: `That is not a Lightspeed store address. ${HOW_TO_FIND}` };
    const suffix = LIGHTSPEED_HOST_SUFFIXES.find((candidate) => host.endsWith(candidate));
    if (!suffix) {
      return { ok: false, message: `${host} is not a Lightspeed Retail address. ${HOW_TO_FIND}` };
    }
    text = host.slice(0, -suffix.length);
  }
  if (!PREFIX_PATTERN.test(text)) {
    return { ok: false, message: `A domain prefix has only letters, digits and hyphens. ${HOW_TO_FIND}` };
  }
  return { ok: true, domainPrefix: text };
}

/**
 * The host of a pasted address, or undefined when it is not a plain http(s) address: credentials
 * (`user@host`), ports, or anything the URL parser normalises differently from how it reads.
 */
function hostOf(text: string): string | undefined {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.username || url.password || url.port) return undefined;
  // Reject anything where the raw text disagrees with what the parser saw (backslashes, encoded dots).
  const rawHost = withScheme.replace(/^[a-z]+:\/\//, '').split(/[/?#]/)[0];
  if (rawHost !== url.hostname) return undefined;
  return url.hostname;
}
