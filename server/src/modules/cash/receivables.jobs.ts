import { sql } from 'kysely';
import { z } from 'zod';
import type { JobDef } from '../../platform/jobs/jobs.types.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import type { Db } from '../../platform/db/pool.ts';
import { can, type Actor } from '../../platform/access/permissions.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { forbidden } from '../../platform/http/errors.ts';
import { parseBody } from './receivables.service.ts';
import { addNotifications } from '../../platform/notify/notify.service.ts';
import { emitEvents } from '../../platform/events/outbox.ts';
import {
  DEFAULT_REMINDERS,
  instalmentStatus,
  reminderDue,
  type ReminderSettings,
} from './receivables.rules.ts';

export const reminderSettingsSchema = z.strictObject({
  remindBeforeDays: z.number().int().min(0).max(60).nullable(),
  remindAfterDays: z.array(z.number().int().min(1).max(365)).max(10),
});
const settingsSchema = reminderSettingsSchema;

export type StoredReminderSettings = z.infer<typeof reminderSettingsSchema>;

/** The reminder offsets as the settings API shows them. */
export async function reminderSettingsView(tx: TenantDb): Promise<StoredReminderSettings> {
  const s = await loadReminderSettings(tx);
  return { remindBeforeDays: s.beforeDays, remindAfterDays: s.afterDays };
}

/** The offsets, for anyone who may read payment plans. */
export async function readReminderSettings(db: Db, actor: Actor): Promise<StoredReminderSettings> {
  if (!can(actor, 'payment_plan', 'read')) throw forbidden();
  return reminderSettingsView(TenantDb.for(db, actor.tenantId));
}

/** Replaces the offsets (the caller checked the actor is an admin); audited as an admin change. */
export async function saveReminderSettings(
  db: Db,
  actor: Actor,
  body: unknown,
): Promise<StoredReminderSettings> {
  const input = parseBody(reminderSettingsSchema, body);
  return TenantDb.for(db, actor.tenantId).transaction(async (tx) => {
    const before = await reminderSettingsView(tx);
    await storeReminderSettings(tx, input);
    const after = await reminderSettingsView(tx);
    await writeAudit(tx, actor, [
      { action: 'admin', object: 'settings', recordId: null, changes: { receivables: [before, after] } },
    ]);
    return after;
  });
}

/** Stores the offsets under `tenant.settings.receivables`, leaving other keys there untouched. */
async function storeReminderSettings(tx: TenantDb, s: StoredReminderSettings): Promise<void> {
  const clean = {
    remindBeforeDays: s.remindBeforeDays,
    remindAfterDays: [...new Set(s.remindAfterDays)].sort((a, b) => a - b),
  };
  await tx.exec0(sql`update tenant set settings = jsonb_set(coalesce(settings, '{}'::jsonb), '{receivables}',
      coalesce(settings->'receivables', '{}'::jsonb) || ${JSON.stringify(clean)}::jsonb)
    where id = ${tx.tenantId}`);
}

/** Reminder offsets from `tenant.settings.receivables` (validated), defaults 3 days before, 1 and 7 after. */
export async function loadReminderSettings(tx: TenantDb): Promise<ReminderSettings> {
  const row = await tx.one(
    sql<{ s: unknown }>`select settings->'receivables' as s from tenant where id = ${tx.tenantId}`,
  );
  const parsed = settingsSchema.partial().safeParse(row?.s ?? {});
  if (!parsed.success) return DEFAULT_REMINDERS;
  return {
    beforeDays:
      parsed.data.remindBeforeDays === undefined
        ? DEFAULT_REMINDERS.beforeDays
        : parsed.data.remindBeforeDays,
    afterDays: [...(parsed.data.remindAfterDays ?? DEFAULT_REMINDERS.afterDays)].sort((a, b) => a - b),
  };
}

interface OpenRow {
  id: string;
  plan_id: string;
  number: string;
  owner_id: string | null;
  account_name: string | null;
  due_date: string;
  amount: number;
  paid_amount: number;
  currency: string;
  status: string;
  reminded_before: boolean;
  reminded_after_days: number | null;
}

const fmt = (minor: number, currency: string): string =>
  `${currency} ${(minor / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/**
 * Receivables as of a date: every open instalment of a live plan gets the status of that day
 * (overdue from the day after its due date; a run for an earlier date puts it back), and plan
 * owners get in-app reminders N days before the due date and N days after it, each once per
 * instalment (reminded_before_at / reminded_after_days remember what was sent). Reminders are one
 * notification per owner and kind listing the instalments; each newly overdue instalment is an
 * `payment_instalment.overdue` event.
 */
export const receivablesJob: JobDef = {
  name: 'cash.receivables',
  schedule: '0 7 * * *',
  description: {
    'zh-CN': '回款计划：标记逾期分期，到期前后提醒负责人',
    'en-US': 'Payment plans: mark overdue instalments, remind owners before and after due dates',
  },
  async run({ tenantId, asOf, tdb }) {
    return tdb.transaction(async (tx) => {
      const s = await loadReminderSettings(tx);
      const rows = await tx.query(sql<OpenRow>`
        select i.id, i.plan_id, p.number || '-' || i.seq as number, p.owner_id, a.name as account_name,
          to_char(i.due_date, 'YYYY-MM-DD') as due_date, i.amount, i.paid_amount, p.amount_currency as currency,
          i.status, i.reminded_before_at is not null as reminded_before, i.reminded_after_days
        from payment_instalment i
        join payment_plan p on p.tenant_id = i.tenant_id and p.id = i.plan_id
        left join sales_order o on o.tenant_id = p.tenant_id and o.id = p.order_id
        left join account a on a.tenant_id = p.tenant_id and a.id = p.account_id
        where i.tenant_id = ${tenantId} and i.paid_amount < i.amount and p.deleted_at is null
          and p.status <> 'cancelled' and coalesce(o.status, '') <> 'cancelled'
        order by i.due_date, i.id
        for update of i`);
      const changed = rows
        .map((r) => ({ r, status: instalmentStatus(r, asOf) }))
        .filter((x) => x.status !== x.r.status);
      if (changed.length)
        await tx.exec0(sql`update payment_instalment i set status = c->>'status', version = i.version + 1, updated_at = now()
          from jsonb_array_elements(${JSON.stringify(changed.map((x) => ({ id: x.r.id, status: x.status })))}::jsonb) c
          where i.tenant_id = ${tenantId} and i.id = (c->>'id')::uuid`);
      const newlyOverdue = changed.filter((x) => x.status === 'overdue');
      await emitEvents(
        tx,
        null,
        newlyOverdue.map(({ r }) => ({
          type: 'payment_instalment.overdue',
          object: 'payment_plan',
          recordId: r.plan_id,
          payload: {
            instalment_id: r.id,
            plan_id: r.plan_id,
            number: r.number,
            due_date: r.due_date,
            open: r.amount - r.paid_amount,
            currency: r.currency,
            as_of: asOf,
          },
        })),
      );
      const due = rows.flatMap((r) => {
        const k = reminderDue(
          {
            due_date: r.due_date,
            open: r.amount - r.paid_amount,
            remindedBefore: r.reminded_before,
            remindedAfterDays: r.reminded_after_days,
          },
          asOf,
          s,
        );
        return k ? [{ r, k }] : [];
      });
      const before = due.filter((d) => d.k.kind === 'before').map((d) => d.r.id);
      const after = due.flatMap((d) => (d.k.kind === 'after' ? [{ id: d.r.id, days: d.k.days }] : []));
      if (before.length)
        await tx.exec0(sql`update payment_instalment set reminded_before_at = now()
          where tenant_id = ${tenantId} and id = any(${before}::uuid[])`);
      if (after.length)
        await tx.exec0(sql`update payment_instalment i set reminded_after_at = now(), reminded_after_days = (c->>'days')::int
          from jsonb_array_elements(${JSON.stringify(after)}::jsonb) c
          where i.tenant_id = ${tenantId} and i.id = (c->>'id')::uuid`);
      // one notification per owner and kind, listing the instalments (at most 20 lines)
      const groups = new Map<string, { userId: string; kind: 'before' | 'after'; items: OpenRow[] }>();
      for (const d of due) {
        if (!d.r.owner_id) continue;
        const key = `${d.r.owner_id}:${d.k.kind}`;
        const g = groups.get(key) ?? { userId: d.r.owner_id, kind: d.k.kind, items: [] };
        g.items.push(d.r);
        groups.set(key, g);
      }
      await addNotifications(
        tx,
        [...groups.values()].map((g) => ({
          userId: g.userId,
          kind: g.kind === 'before' ? 'payment_plan.due_soon' : 'payment_plan.overdue',
          title:
            g.kind === 'before'
              ? `${g.items.length} 期回款即将到期`
              : `${g.items.length} 期回款已逾期，请跟进催收`,
          body: g.items
            .slice(0, 20)
            .map(
              (r) =>
                `${r.number} ${r.account_name ?? ''} ${fmt(r.amount - r.paid_amount, r.currency)} 到期日 ${r.due_date}`,
            )
            .join('\n'),
          link:
            g.items.length === 1 && g.items[0] ? `/o/payment_plan/${g.items[0].plan_id}` : '/o/payment_plan',
        })),
      );
      return {
        as_of: asOf,
        statuses_changed: changed.length,
        overdue: newlyOverdue.length,
        reminders_before: before.length,
        reminders_after: after.length,
        notifications: groups.size,
      };
    });
  },
};
