import type { Db } from '../db/database.ts';
import { hashPassword, verifyPassword, decoyHash } from './passwords.ts';
import { AppError } from '../http/errors.ts';

export type PublicUser = { id: string; name: string; email: string; role: 'admin' | 'member'; createdAt: Date };

const publicUserColumns = ['id', 'name', 'email', 'role', 'created_at as createdAt'] as const;

/** Sign-up: a new company and its first user, the admin, in one transaction. */
export async function createCompanyWithAdmin(
  db: Db,
  input: { companyName: string; name: string; email: string; password: string },
): Promise<{ companyId: string; user: PublicUser }> {
  const passwordHash = await hashPassword(input.password);
  return db.transaction().execute(async (trx) => {
    await assertEmailFree(trx, input.email);
    const company = await trx
      .insertInto('companies')
      .values({ name: input.companyName })
      .returning('id')
      .executeTakeFirstOrThrow();
    const user = await trx
      .insertInto('users')
      .values({ company_id: company.id, name: input.name, email: input.email, password_hash: passwordHash, role: 'admin' })
      .returning(publicUserColumns)
      .executeTakeFirstOrThrow();
    return { companyId: company.id, user };
  });
}

export async function addUser(
  db: Db,
  companyId: string,
  input: { name: string; email: string; password: string; role: 'admin' | 'member' },
): Promise<PublicUser> {
  const passwordHash = await hashPassword(input.password);
  await assertEmailFree(db, input.email);
  return db
    .insertInto('users')
    .values({ company_id: companyId, name: input.name, email: input.email, password_hash: passwordHash, role: input.role })
    .returning(publicUserColumns)
    .executeTakeFirstOrThrow()
    .catch((error: unknown) => {
      // Two requests racing past the check above meet the unique index instead.
      if (isUniqueViolation(error)) throw emailTaken();
      throw error;
    });
}

export async function listUsers(db: Db, companyId: string): Promise<PublicUser[]> {
  return db.selectFrom('users').select(publicUserColumns).where('company_id', '=', companyId).orderBy('created_at').execute();
}

export async function getCompany(db: Db, companyId: string): Promise<{ id: string; name: string }> {
  return db.selectFrom('companies').select(['id', 'name']).where('id', '=', companyId).executeTakeFirstOrThrow();
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Returns the user when the password matches; the same work is done for unknown emails. */
export async function authenticate(
  db: Db,
  email: string,
  password: string,
): Promise<{ id: string; companyId: string } | undefined> {
  const user = await db
    .selectFrom('users')
    .select(['id', 'company_id as companyId', 'password_hash'])
    .where('email', '=', email)
    .executeTakeFirst();
  const matches = await verifyPassword(password, user?.password_hash ?? decoyHash);
  return user && matches ? { id: user.id, companyId: user.companyId } : undefined;
}

async function assertEmailFree(db: Db, email: string): Promise<void> {
  const existing = await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
  if (existing) throw emailTaken();
}

function emailTaken(): AppError {
  return new AppError(409, 'email_taken', 'An account with this email already exists. Sign in instead, or use another email.', 'email');
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === '23505';
}
