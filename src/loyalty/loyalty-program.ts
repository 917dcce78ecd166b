import { z } from 'zod';
import type { Db } from '../db/database.ts';
import { normalizeEmail, normalizePhone } from '../personas/identifiers.ts';

export const earningAttributeChoices = ['layby', 'onaccount', 'pickup', 'delivery', 'service'] as const;
export type EarningAttribute = (typeof earningAttributeChoices)[number];

/** The program as the rules read it. */
export type LoyaltyProgram = {
  pointsPerUnit: number;
  basis: 'tax_inclusive' | 'tax_exclusive';
  startDate: string | null;
  /** Closed sales earn; these are the fulfilment kinds (layby, on account, …) that earn once closed. */
  earningAttributes: EarningAttribute[];
  minimumAge: number | null;
  blockedEmails: string[];
  blockedPhones: string[];
  blockPosStaff: boolean;
};

export const defaultProgram: LoyaltyProgram = {
  pointsPerUnit: 1,
  basis: 'tax_inclusive',
  startDate: null,
  earningAttributes: [...earningAttributeChoices],
  minimumAge: null,
  blockedEmails: [],
  blockedPhones: [],
  blockPosStaff: true,
};

export const LoyaltyProgramInput = z.object({
  pointsPerUnit: z
    .number({ error: 'Points per 1.00 spent must be a number.' })
    .min(0, 'Points per 1.00 spent cannot be negative.')
    .max(1000, 'Points per 1.00 spent can be at most 1000.'),
  basis: z.enum(['tax_inclusive', 'tax_exclusive'], { error: 'Choose whether points are earned on the total with or without tax.' }),
  startDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2026-01-31 for the program start.')
    .refine((value) => !Number.isNaN(Date.parse(value + 'T00:00:00Z')), 'That program start is not a real date.')
    .nullable(),
  earningAttributes: z.array(z.enum(earningAttributeChoices, { error: `Earning sale kinds are ${earningAttributeChoices.join(', ')}.` })).max(5),
  minimumAge: z.number({ error: 'The minimum age must be a number of years.' }).int('The minimum age must be whole years.').min(0).max(120, 'The minimum age can be at most 120.').nullable(),
  blockedEmails: z
    .array(z.string().trim().max(254), { error: 'Blocked emails must be a list.' })
    .max(1000, 'At most 1000 blocked emails.')
    .transform((list, context) => {
      const normalized = list.filter((item) => item !== '').map((item) => normalizeEmail(item));
      if (normalized.some((item) => item === null)) context.addIssue({ code: 'custom', message: 'Every blocked email must be a valid email address.' });
      return [...new Set(normalized.filter((item): item is string => item !== null))];
    }),
  blockedPhones: z.array(z.string().trim().max(40), { error: 'Blocked phones must be a list.' }).max(1000, 'At most 1000 blocked phone numbers.'),
  blockPosStaff: z.boolean({ error: 'Say whether POS staff are blocked (true or false).' }),
});

export async function getLoyaltyProgram(db: Db, companyId: string): Promise<LoyaltyProgram> {
  const row = await db.selectFrom('loyalty_programs').selectAll().where('company_id', '=', companyId).executeTakeFirst();
  if (!row) return defaultProgram;
  return {
    pointsPerUnit: Number(row.points_per_unit),
    basis: row.basis,
    startDate: row.start_date,
    earningAttributes: row.earning_attributes.filter((value): value is EarningAttribute => (earningAttributeChoices as readonly string[]).includes(value)),
    minimumAge: row.minimum_age,
    blockedEmails: row.blocked_emails,
    blockedPhones: row.blocked_phones,
    blockPosStaff: row.block_pos_staff,
  };
}

export async function saveLoyaltyProgram(db: Db, companyId: string, userId: string, input: z.infer<typeof LoyaltyProgramInput>, region: string | null): Promise<LoyaltyProgram> {
  const phones = input.blockedPhones.filter((phone) => phone !== '').map((phone) => normalizePhone(phone, region) ?? phone.replace(/[^\d+]/g, ''));
  const values = {
    points_per_unit: input.pointsPerUnit,
    basis: input.basis,
    start_date: input.startDate,
    earning_attributes: input.earningAttributes,
    minimum_age: input.minimumAge,
    blocked_emails: input.blockedEmails,
    blocked_phones: [...new Set(phones)],
    block_pos_staff: input.blockPosStaff,
    updated_at: new Date(),
    updated_by: userId,
  };
  await db
    .insertInto('loyalty_programs')
    .values({ company_id: companyId, ...values })
    .onConflict((conflict) => conflict.column('company_id').doUpdateSet(values))
    .execute();
  return getLoyaltyProgram(db, companyId);
}
