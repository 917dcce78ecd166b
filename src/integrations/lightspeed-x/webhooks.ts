import { z } from 'zod';
import type { RealtimeAdapter, StoreAccess } from '../../sync/realtime.ts';
import { LightspeedClient } from './client.ts';
import { LightspeedError } from './errors.ts';

/**
 * Lightspeed X-Series webhooks through the legacy 0.9 API (`/api/webhooks`, form field `data` holding
 * JSON), the registration route documented for personal tokens. Deliveries are form-encoded, unsigned,
 * and carry the record in the old 0.9 shape: Patron reads nothing from them but the event type.
 */

/** Every event type Lightspeed sends; a delivery naming anything else is not from Lightspeed. */
export const LIGHTSPEED_EVENT_TYPES = [
  'sale.update',
  'customer.update',
  'product.update',
  'inventory.update',
  'register_closure.create',
  'consignment.send',
  'consignment.receive',
] as const;

/** The changes Patron mirrors, so the ones it subscribes to. */
export const SUBSCRIBED_EVENT_TYPES = ['customer.update', 'sale.update'] as const;

const WebhookSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  url: z.string(),
  type: z.string(),
  active: z.union([z.boolean(), z.number(), z.string()]).optional(),
});
type Webhook = z.infer<typeof WebhookSchema>;

function parseWebhookList(body: unknown): Webhook[] {
  // The 0.9 list is a bare array; accept a {data: [...]} envelope too.
  const list = Array.isArray(body) ? body : (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(list)) throw new LightspeedError('bad_payload', 'The list of webhooks came back in an unexpected shape.', { path: '/webhooks' });
  return list.flatMap((item) => {
    const parsed = WebhookSchema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}

function parseWebhook(body: unknown): Webhook {
  const candidate = (body as { data?: unknown } | null)?.data ?? body;
  const parsed = WebhookSchema.safeParse(candidate);
  if (!parsed.success) throw new LightspeedError('bad_payload', 'The new webhook came back in an unexpected shape.', { path: '/webhooks' });
  return parsed.data;
}

const isActive = (hook: Webhook) => hook.active === undefined || hook.active === true || hook.active === 1 || hook.active === '1' || hook.active === 'true';

export function createLightspeedWebhooks(baseUrlTemplate: string): RealtimeAdapter {
  const clientFor = (access: StoreAccess) =>
    new LightspeedClient({ baseUrlTemplate, domainPrefix: access.storeAddress, token: access.token, timeoutMs: access.timeoutMs ?? 15_000 });

  return {
    pathSegment: 'lightspeed',
    eventTypes: SUBSCRIBED_EVENT_TYPES,

    async subscribe(input) {
      const client = clientFor(input);
      const hooks = parseWebhookList(await client.legacy('GET', '/webhooks'));
      const ids: Record<string, string> = {};
      for (const type of SUBSCRIBED_EVENT_TYPES) {
        const [keep, ...extra] = hooks.filter((hook) => hook.type === type && hook.url === input.url);
        if (keep) {
          if (!isActive(keep)) await client.legacy('PUT', `/webhooks/${encodeURIComponent(keep.id)}`, { data: JSON.stringify({ active: true }) });
          ids[type] = keep.id;
        } else {
          const created = parseWebhook(await client.legacy('POST', '/webhooks', { data: JSON.stringify({ url: input.url, active: true, type }) }));
          ids[type] = created.id;
        }
        // Duplicates (from an earlier attempt whose answer was lost) would double every signal.
        for (const duplicate of extra) await deleteQuietly(client, duplicate.id);
      }
      return ids;
    },

    async unsubscribe(input) {
      const client = clientFor(input);
      const ids = new Set(input.ids);
      if (input.url) {
        for (const hook of parseWebhookList(await client.legacy('GET', '/webhooks'))) if (hook.url === input.url) ids.add(hook.id);
      }
      for (const id of ids) await deleteQuietly(client, id);
    },

    parseDelivery(form) {
      const type = form.type;
      if (typeof type !== 'string' || !(LIGHTSPEED_EVENT_TYPES as readonly string[]).includes(type)) {
        return { ok: false, message: 'Not a Lightspeed webhook delivery: the form field "type" is missing or unknown.' };
      }
      const prefix = typeof form.domain_prefix === 'string' && form.domain_prefix.trim() !== '' ? form.domain_prefix.trim().toLowerCase() : null;
      return { ok: true, eventType: type, relevant: (SUBSCRIBED_EVENT_TYPES as readonly string[]).includes(type), storeAddress: prefix };
    },
  };
}

/** A webhook already gone is what we wanted. */
async function deleteQuietly(client: LightspeedClient, id: string): Promise<void> {
  try {
    await client.legacy('DELETE', `/webhooks/${encodeURIComponent(id)}`);
  } catch (error) {
    if (error instanceof LightspeedError && error.kind === 'not_found') return;
    throw error;
  }
}
