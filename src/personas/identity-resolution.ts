import { randomUUID } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/tables.ts';
import { personaEligibility } from './identifiers.ts';
import { insertPersonasWithProfiles, refreshPersonas, refreshPointBalances } from './persona-refresh.ts';
import { lockCompanyPersonas } from './persona-lock.ts';

type Trx = Transaction<Database>;

/**
 * Puts a set of source customers (of one credential) into personas, deterministically:
 *  - a source keeps the persona it is linked to;
 *  - otherwise it joins the persona that owns its email, else one that owns one of its phones;
 *  - otherwise it starts a new persona;
 *  - when a source ties together several personas (its link plus another's email, or two new
 *    sources of one page sharing a phone), they merge into the oldest, and the merge is recorded.
 * Sources that are deleted, walk-in, in an excluded group or without contact details are unlinked
 * and say why. Identity work is serialised per company, so two stores of one chain syncing at once
 * cannot both create a persona for the same person.
 */
export async function resolveIdentities(
  trx: Trx,
  scope: { companyId: string; credentialId: string },
  externalIds: string[],
  options: { excludedGroupIds: ReadonlySet<string> },
): Promise<string[]> {
  if (externalIds.length === 0) return [];
  await lockCompanyPersonas(trx, scope.companyId, 'exclusive');

  const sources = await trx
    .selectFrom('source_customers')
    .select(['id', 'customer_code', 'first_name', 'last_name', 'email_normalized', 'phones_e164', 'deleted_at', 'customer_group_external_id', 'persona_id', 'persona_exclusion'])
    .where('credential_id', '=', scope.credentialId)
    .where('external_id', 'in', externalIds)
    .execute();

  const dirty = new Set<string>();
  const unlink: Array<{ id: string; reason: string }> = [];
  const eligible: typeof sources = [];
  for (const source of sources) {
    const verdict = personaEligibility({
      customerCode: source.customer_code,
      firstName: source.first_name,
      lastName: source.last_name,
      email: source.email_normalized,
      phones: source.phones_e164,
      deleted: source.deleted_at !== null,
      excludedGroup: source.customer_group_external_id !== null && options.excludedGroupIds.has(source.customer_group_external_id),
    });
    if (verdict.eligible) eligible.push(source);
    else {
      if (source.persona_id) dirty.add(source.persona_id);
      if (source.persona_id || source.persona_exclusion !== verdict.reason) unlink.push({ id: source.id, reason: verdict.reason });
    }
  }
  if (unlink.length > 0) {
    await sql`
      UPDATE source_customers s SET persona_id = NULL, persona_exclusion = u.reason
      FROM jsonb_to_recordset(${JSON.stringify(unlink)}::jsonb) AS u(id uuid, reason text)
      WHERE s.id = u.id`.execute(trx);
  }

  // Who owns the identifiers these sources carry.
  const emails = [...new Set(eligible.map((s) => s.email_normalized).filter((e): e is string => e !== null))];
  const phones = [...new Set(eligible.flatMap((s) => s.phones_e164))];
  const owners = await sql<{ kind: 'email' | 'phone'; value: string; persona_id: string }>`
    SELECT kind, value, persona_id FROM persona_identifiers
    WHERE company_id = ${scope.companyId}
      AND ((kind = 'email' AND value = ANY(${emails}::text[])) OR (kind = 'phone' AND value = ANY(${phones}::text[])))`.execute(trx);

  // Connected components over sources, personas and identifiers (union-find).
  const parent = new Map<string, string>();
  const find = (key: string): string => {
    let root = key;
    while (parent.get(root) !== undefined && parent.get(root) !== root) root = parent.get(root)!;
    parent.set(key, root);
    return root;
  };
  const union = (a: string, b: string) => {
    const rootA = find(a);
    const rootB = find(b);
    if (rootA !== rootB) parent.set(rootB, rootA);
  };
  for (const owner of owners.rows) union(`I:${owner.kind}:${owner.value}`, `P:${owner.persona_id}`);
  for (const source of eligible) {
    const node = `S:${source.id}`;
    find(node);
    if (source.persona_id) union(node, `P:${source.persona_id}`);
    if (source.email_normalized) union(node, `I:email:${source.email_normalized}`);
    for (const phone of source.phones_e164) union(node, `I:phone:${phone}`);
  }
  const components = new Map<string, { sources: string[]; personas: Set<string> }>();
  for (const key of parent.keys()) {
    const root = find(key);
    const component = components.get(root) ?? { sources: [], personas: new Set<string>() };
    if (key.startsWith('S:')) component.sources.push(key.slice(2));
    if (key.startsWith('P:')) component.personas.add(key.slice(2));
    components.set(root, component);
  }

  const candidatePersonas = [...new Set([...components.values()].flatMap((c) => [...c.personas]))];
  const createdAt = new Map<string, number>();
  if (candidatePersonas.length > 0) {
    const rows = await trx.selectFrom('personas').select(['id', 'created_at']).where('id', 'in', candidatePersonas).execute();
    for (const row of rows) createdAt.set(row.id, row.created_at.getTime());
  }

  const links: Array<{ id: string; persona_id: string }> = [];
  const newPersonas: string[] = [];
  const merges: Array<{ survivor: string; merged: string }> = [];
  for (const component of components.values()) {
    if (component.sources.length === 0) continue;
    // The oldest persona survives, so ids seen by the retailer before stay valid; ties go by id.
    const personas = [...component.personas].filter((id) => createdAt.has(id)).sort((a, b) => createdAt.get(a)! - createdAt.get(b)! || a.localeCompare(b));
    let survivor = personas[0];
    if (!survivor) {
      survivor = randomUUID();
      newPersonas.push(survivor);
    }
    for (const merged of personas.slice(1)) merges.push({ survivor, merged });
    for (const source of component.sources) links.push({ id: source, persona_id: survivor });
    dirty.add(survivor);
  }

  if (merges.length > 0) await mergePersonas(trx, scope.companyId, merges, 'shared email or phone');
  const eligibleById = new Map(eligible.map((source) => [source.id, source]));
  const changedLinks = links.filter((link) => {
    const source = eligibleById.get(link.id);
    return !source || source.persona_id !== link.persona_id || source.persona_exclusion !== null;
  });
  // New personas are created after their sources point at them, so each is written once, with its
  // profile. The link's foreign key waits until the personas exist (it is DEFERRABLE, migration 0012);
  // setting it back to IMMEDIATE checks the links here, not at commit.
  if (newPersonas.length > 0) await sql`SET CONSTRAINTS source_customers_persona_id_fkey DEFERRED`.execute(trx);
  if (changedLinks.length > 0) {
    for (const link of changedLinks) {
      const previous = eligibleById.get(link.id)?.persona_id;
      if (previous) dirty.add(previous);
    }
    await sql`
      UPDATE source_customers s SET persona_id = l.persona_id, persona_exclusion = NULL
      FROM jsonb_to_recordset(${JSON.stringify(changedLinks)}::jsonb) AS l(id uuid, persona_id uuid)
      WHERE s.id = l.id`.execute(trx);
  }
  if (newPersonas.length > 0) {
    await insertPersonasWithProfiles(trx, scope.companyId, newPersonas);
    await sql`SET CONSTRAINTS source_customers_persona_id_fkey IMMEDIATE`.execute(trx);
  }
  const touched = [...dirty];
  await refreshPersonas(trx, scope.companyId, touched, new Set(newPersonas));
  return touched;
}

/**
 * Folds personas into survivors: their sources move over, they are archived with a pointer to the
 * survivor, and each merge is recorded. History is kept, never deleted.
 */
export async function mergePersonas(trx: Trx, companyId: string, merges: Array<{ survivor: string; merged: string }>, reason: string): Promise<void> {
  const payload = JSON.stringify(merges);
  await sql`
    UPDATE source_customers s SET persona_id = m.survivor
    FROM jsonb_to_recordset(${payload}::jsonb) AS m(survivor uuid, merged uuid)
    WHERE s.persona_id = m.merged`.execute(trx);
  await sql`DELETE FROM persona_identifiers WHERE persona_id = ANY(${merges.map((m) => m.merged)}::uuid[])`.execute(trx);
  // Points move with the person: the survivor's balance is the sum of both, exactly.
  await sql`
    UPDATE loyalty_ledger l SET persona_id = m.survivor
    FROM jsonb_to_recordset(${payload}::jsonb) AS m(survivor uuid, merged uuid)
    WHERE l.persona_id = m.merged`.execute(trx);
  await refreshPointBalances(trx, [...new Set(merges.flatMap((m) => [m.survivor, m.merged]))]);
  await sql`
    UPDATE personas p SET merged_into = m.survivor, archived_at = coalesce(p.archived_at, now()), updated_at = now()
    FROM jsonb_to_recordset(${payload}::jsonb) AS m(survivor uuid, merged uuid)
    WHERE p.id = m.merged`.execute(trx);
  await sql`
    INSERT INTO persona_merges (company_id, survivor_id, merged_id, reason)
    SELECT ${companyId}::uuid, m.survivor, m.merged, ${reason}
    FROM jsonb_to_recordset(${payload}::jsonb) AS m(survivor uuid, merged uuid)`.execute(trx);
}
