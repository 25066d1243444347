import { sql } from 'kysely';
import type { HookContext, ObjectHooks, Rec } from '../../platform/metadata/types.ts';
import { invalid, type FieldIssue } from '../../platform/http/errors.ts';
import { can } from '../../platform/access/permissions.ts';
import { scopePredicate } from '../../platform/access/scope.sql.ts';
import { addNotifications } from '../../platform/notify/notify.service.ts';
import { recordLeadFollowUps } from '../leads/index.ts';
import { accountExtraRead, contactExtraRead } from '../accounts/scopes.ts';
import {
  completedAtFor,
  coordinateIssues,
  followUpsOf,
  movesFollowUps,
  RELATED,
  relatedIssues,
  resolveAccount,
} from './activity.rules.ts';

/**
 * What the writer may read of a related object: the record scope, widened like the records engine
 * widens it (team members and a customer's CSM read the account and its contacts).
 */
function readScope(hc: HookContext, object: string) {
  const scope = scopePredicate(hc.actor, object);
  if (object === 'account') return sql<boolean>`(${scope} or ${accountExtraRead(hc.actor)})`;
  if (object === 'contact') return sql<boolean>`(${scope} or ${contactExtraRead(hc.actor)})`;
  return scope;
}

const idOf = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * Checks and completes what an activity or task is about: the writer must be able to read every
 * record it newly names (else it is refused as an unknown reference, revealing nothing), an
 * empty account is filled from the contact or opportunity, and one that disagrees is refused.
 */
async function checkRelated(hc: HookContext, before: Rec | undefined, after: Rec): Promise<void> {
  const named = RELATED.filter(
    (r) => idOf(after[r.field]) && idOf(after[r.field]) !== idOf(before?.[r.field]),
  );
  // one statement for every record the write newly names (an import row names up to four)
  const readable = named.filter((r) => can(hc.actor, r.object, 'read'));
  const found = readable.length
    ? new Set(
        (
          await hc.tx.query(
            sql<{ field: string }>`${sql.join(
              readable.map(
                (r) => sql`select ${r.field}::text as field from ${sql.table(r.table)} t
                  where t.tenant_id = ${hc.tx.tenantId} and t.id = ${idOf(after[r.field])}::uuid and t.deleted_at is null
                    and ${readScope(hc, r.object)}`,
              ),
              sql` union all `,
            )}`,
          )
        ).map((x) => x.field),
      )
    : new Set<string>();
  const issues: FieldIssue[] = named
    .filter((r) => !found.has(r.field))
    .map((r) => ({ field: r.field, issue: 'invalid_reference' as const }));
  if (issues.length) throw invalid(issues);

  const touchesAccount = ['account_id', 'contact_id', 'opportunity_id'].some(
    (f) => idOf(after[f]) !== idOf(before?.[f]),
  );
  if (!touchesAccount) return;
  const contactId = idOf(after.contact_id);
  const opportunityId = idOf(after.opportunity_id);
  if (!contactId && !opportunityId) return;
  const rows = await hc.tx.query(sql<{ field: 'contact_id' | 'opportunity_id'; account_id: string }>`
    select 'contact_id' as field, account_id from contact where tenant_id = ${hc.tx.tenantId} and id = ${contactId}::uuid
    union all
    select 'opportunity_id', account_id from opportunity where tenant_id = ${hc.tx.tenantId} and id = ${opportunityId}::uuid
    order by 1`);
  const r = resolveAccount(
    idOf(after.account_id),
    rows.map((x) => ({ field: x.field, accountId: x.account_id })),
  );
  if (r.issues.length) throw invalid(r.issues);
  after.account_id = r.accountId;
}

/** Moves the follow-up dates of everything a batch of activities is about (one statement per table). */
async function applyFollowUps(hc: HookContext, activities: Rec[]): Promise<void> {
  const f = followUpsOf(activities, new Date());
  for (const table of ['account', 'contact', 'opportunity'] as const) {
    const m = f.latest[table];
    if (!m.size) continue;
    // follow-up dates are bookkeeping, not edits: no version, updated_at or audit
    await hc.tx
      .exec0(sql`update ${sql.table(table)} t set last_followed_at = greatest(t.last_followed_at, v.at)
      from unnest(${[...m.keys()]}::uuid[], ${[...m.values()]}::timestamptz[]) as v(id, at)
      where t.tenant_id = ${hc.tx.tenantId} and t.id = v.id`);
  }
  if (f.leads.length)
    await recordLeadFollowUps(hc.tx, { userId: hc.userId, apiKeyId: hc.actor.apiKeyId }, f.leads);
}

/** Follow-up records (DOMAIN.md §0): what they must name, and the follow-up dates they move. */
export const activityHooks: ObjectHooks = {
  async beforeWrite(hc, { op, before, after }) {
    if (after.occurred_at === null || after.occurred_at === undefined) {
      if (op === 'update') throw invalid([{ field: 'occurred_at', issue: 'required' }]);
      after.occurred_at = new Date().toISOString();
    }
    const issues = [...relatedIssues(after), ...coordinateIssues(after)];
    if (issues.length) throw invalid(issues);
    await checkRelated(hc, before, after);
  },
  async afterWrite(hc, { op, before, after }) {
    if (op === 'restore' || (op === 'update' && before && movesFollowUps(before, after)))
      await applyFollowUps(hc, [after]);
  },
  async afterCreateMany(hc, created) {
    await applyFollowUps(hc, created);
  },
};

async function notifyAssignees(hc: HookContext, tasks: Rec[]): Promise<void> {
  await addNotifications(
    hc.tx,
    tasks
      .filter((t) => idOf(t.owner_id) && t.owner_id !== hc.userId && t.status === 'open')
      .map((t) => ({
        userId: String(t.owner_id),
        kind: 'task.assigned',
        title: `新任务：${String(t.subject)}`,
        link: `/o/task/${String(t.id)}`,
      })),
  );
}

/** Tasks: completion time follows status; the assignee hears about work someone else gave them. */
export const taskHooks: ObjectHooks = {
  async beforeWrite(hc, { before, after }) {
    const completed = completedAtFor(before, after, new Date().toISOString());
    if (completed !== undefined) after.completed_at = completed;
    await checkRelated(hc, before, after);
  },
  async afterWrite(hc, { op, before, after }) {
    if (op !== 'update' || !before) return;
    if (String(before.remind_at ?? '') !== String(after.remind_at ?? ''))
      // a new reminder time is a new reminder
      await hc.tx.exec0(
        sql`update task set reminded_at = null where tenant_id = ${hc.tx.tenantId} and id = ${String(after.id)}::uuid`,
      );
    if (idOf(after.owner_id) !== idOf(before.owner_id)) await notifyAssignees(hc, [after]);
  },
  async afterCreateMany(hc, created) {
    await notifyAssignees(hc, created);
  },
};
