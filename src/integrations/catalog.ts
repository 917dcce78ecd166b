import type { FeatureName } from './connector.ts';

/**
 * Every integration Patron has. The Integrations page and the Integration Grid are generated from
 * this list, so what they show is what the code does. A feature is `true` only once it is built
 * and tested end to end.
 */
export type IntegrationEntry = {
  id: string;
  name: string;
  category: string;
  description: string;
  /** Extra words the Integrations search matches (old names, spellings). */
  searchTerms: string[];
  /** What the Personas page shows under "Sourced from" for records of this integration. */
  sourceLabel: string;
  /** Labels of the credential form, as the provider's own docs name them. */
  credentialLabels: { token: string; storeAddress: string };
  features: Record<FeatureName, boolean>;
};

export const catalog: IntegrationEntry[] = [
  {
    id: 'lightspeed-x',
    name: 'Lightspeed X-Series',
    category: 'Point of sale',
    description: 'Lightspeed Retail X-Series (formerly Vend): customers, sales and outlets, synced continuously.',
    searchTerms: ['lightspeed', 'lightspeed retail', 'x-series', 'xseries', 'x series', 'vend', 'vendhq', 'pos'],
    sourceLabel: 'lightspeed',
    credentialLabels: { token: 'Token', storeAddress: 'DomainPrefix' },
    features: {
      customers: true,
      salesWithLineItems: true,
      storeMapping: true,
      favoriteStore: true,
      loyaltyPoints: true,
      realtimeUpdates: true,
      deletions: true,
      writeBack: false,
    },
  },
];

export function findIntegration(id: string): IntegrationEntry | undefined {
  return catalog.find((entry) => entry.id === id);
}

/** The "Sourced from" label of a provider id (the id itself for one no longer in the catalog). */
export function sourceLabelOf(provider: string): string {
  return findIntegration(provider)?.sourceLabel ?? provider;
}

/** The provider ids whose "Sourced from" label is `label`. */
export function providersWithSourceLabel(label: string): string[] {
  return catalog.filter((entry) => entry.sourceLabel === label.trim().toLowerCase()).map((entry) => entry.id);
}

/** Case-insensitive match on the name, id, category or any search term. */
export function searchCatalog(query: string): IntegrationEntry[] {
  const needle = query.trim().toLowerCase();
  if (!needle) return catalog;
  return catalog.filter((entry) =>
    [entry.name, entry.id, entry.category, ...entry.searchTerms].some((text) => text.toLowerCase().includes(needle)),
  );
}
