import type { Db } from '../db/database.ts';

export type Notification = {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  createdAt: Date;
  updatedAt: Date;
};

/** The company's open notifications, newest first (the bell and its count). */
export async function listOpenNotifications(db: Db, companyId: string): Promise<Notification[]> {
  return db
    .selectFrom('notifications')
    .select(['id', 'kind', 'title', 'body', 'link', 'created_at as createdAt', 'updated_at as updatedAt'])
    .where('company_id', '=', companyId)
    .where('resolved_at', 'is', null)
    .orderBy('created_at', 'desc')
    .execute();
}

/**
 * Opens a notification for a persisting condition, or refreshes the open one with the same key, so a
 * condition raised on every sync shows once.
 */
export async function raiseNotification(
  db: Db,
  companyId: string,
  notice: { kind: string; key: string; title: string; body?: string; link?: string | null; payload?: unknown },
): Promise<void> {
  const values = {
    company_id: companyId,
    kind: notice.kind,
    dedupe_key: notice.key,
    title: notice.title,
    body: notice.body ?? '',
    link: notice.link ?? null,
    payload: JSON.stringify(notice.payload ?? {}),
  };
  await db
    .insertInto('notifications')
    .values(values)
    .onConflict((conflict) =>
      conflict
        .columns(['company_id', 'dedupe_key'])
        .where('resolved_at', 'is', null)
        .where('dedupe_key', 'is not', null)
        .doUpdateSet({ title: values.title, body: values.body, link: values.link, payload: values.payload, updated_at: new Date() }),
    )
    .execute();
}

/** Marks the condition behind `key` as gone. */
export async function resolveNotification(db: Db, companyId: string, key: string): Promise<void> {
  await db
    .updateTable('notifications')
    .set({ resolved_at: new Date() })
    .where('company_id', '=', companyId)
    .where('dedupe_key', '=', key)
    .where('resolved_at', 'is', null)
    .execute();
}
