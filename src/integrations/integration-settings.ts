import { z } from 'zod';

/**
 * The optional Integration Settings of a connection. Every field has a default, so a connection
 * saved with none of them behaves sensibly.
 */
export const IntegrationSettingsSchema = z.object({
  /** Sales before this date are not imported (YYYY-MM-DD); null imports the whole history. */
  historyStartDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2025-01-31 for the history start date.')
    .refine((value) => !Number.isNaN(Date.parse(value + 'T00:00:00Z')), 'That history start date is not a real date.')
    .nullable()
    .default(null),
  /** Customers in these groups (by the POS's group id) are not turned into personas, e.g. staff. */
  excludedCustomerGroupIds: z
    .array(z.string().min(1).max(100), { error: 'Excluded customer groups must be a list of group ids.' })
    .max(200, 'At most 200 customer groups can be excluded.')
    .default([]),
  /**
   * How Lightspeed's do_not_email maps to email consent: `respect_do_not_email` treats customers not
   * marked do_not_email as subscribed; `opt_out_only` never subscribes anyone from the POS and only
   * honours do_not_email as an unsubscribe.
   */
  emailConsent: z.enum(['respect_do_not_email', 'opt_out_only'], { error: 'Email consent must be respect_do_not_email or opt_out_only.' }).default('opt_out_only'),
  /** Webhooks from Lightspeed trigger a sync within seconds (needs PUBLIC_URL). */
  realtimeUpdates: z.boolean({ error: 'Real-time updates must be on or off.' }).default(false),
  /** Minutes between scheduled syncs. */
  syncIntervalMinutes: z
    .number({ error: 'The sync interval must be a number of minutes.' })
    .int('The sync interval must be a whole number of minutes.')
    .min(1, 'The sync interval must be at least 1 minute.')
    .max(1440, 'The sync interval can be at most 1440 minutes (a day).')
    .default(1),
});

export type IntegrationSettings = z.infer<typeof IntegrationSettingsSchema>;

export const defaultIntegrationSettings: IntegrationSettings = IntegrationSettingsSchema.parse({});

/** Settings as stored; anything unreadable falls back to the defaults rather than breaking the page. */
export function readIntegrationSettings(stored: unknown): IntegrationSettings {
  const parsed = IntegrationSettingsSchema.safeParse(stored ?? {});
  return parsed.success ? parsed.data : defaultIntegrationSettings;
}
