/** The loyalty program's settings and totals. */
import { request } from './client.ts';

export const earningAttributes = ['layby', 'onaccount', 'pickup', 'delivery', 'service'] as const;
export type EarningAttribute = (typeof earningAttributes)[number];

export type LoyaltyProgram = {
  /** Points per 1.00 spent. */
  pointsPerUnit: number;
  basis: 'tax_inclusive' | 'tax_exclusive';
  /** YYYY-MM-DD; null means sales of any date earn. */
  startDate: string | null;
  /** Closed sales always earn; these sale kinds earn too once closed. */
  earningAttributes: EarningAttribute[];
  minimumAge: number | null;
  blockedEmails: string[];
  blockedPhones: string[];
  blockPosStaff: boolean;
};

export type LoyaltySummary = {
  /** Decimal strings. */
  issued: string;
  reversed: string;
  outstanding: string;
  members: number;
  ageGateNotConfirmed: number;
};

export const loyaltyApi = {
  program: (signal?: AbortSignal) =>
    request<{ program: LoyaltyProgram; earningAttributeChoices: string[] }>('GET', '/api/loyalty/program', undefined, signal),
  saveProgram: (program: LoyaltyProgram) => request<{ program: LoyaltyProgram }>('PUT', '/api/loyalty/program', program),
  summary: (signal?: AbortSignal) => request<{ summary: LoyaltySummary }>('GET', '/api/loyalty/summary', undefined, signal),
};
