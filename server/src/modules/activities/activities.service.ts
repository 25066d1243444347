import { sql, type RawBuilder } from 'kysely';
import type { Platform } from '../../platform/platform.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import { can, type Actor } from '../../platform/access/permissions.ts';
import { scopePredicate } from '../../platform/access/scope.sql.ts';
import { AppError } from '../../platform/http/errors.ts';
import { todayIn } from '../../platform/jobs/dates.rules.ts';
import type { Rec } from '../../platform/metadata/types.ts';
import { decodeTimelineCursor, encodeTimelineCursor, MEETING_TYPES } from './activity.rules.ts';

/** How many items each my-day list carries (the count says how many there are). */
export const MY_DAY_ITEMS = 20;
/** Days without a follow-up before an account or opportunity is overdue, unless the tenant sets it. */
export const DEFAULT_NO_FOLLOW_UP_DAYS = 7;

export interface Section<T> {
  count: number;
  items: T[];
}

export interface TaskItem {
  id: string;
  subject: string;
  priority: string | null;
  due_at: string | null;
  lead_id: string | null;
  account_id: string | null;
  contact_id: string | null;
  opportunity_id: string | null;
}

export interface MeetingItem {
  id: string;
  subject: string;
  type: string;
  occurred_at: string;
  address: string | null;
  lead_id: string | null;
  account_id: string | null;
  contact_id: string | null;
  opportunity_id: string | null;
}

export interface IdleItem {
  id: string;
  name: string;
  /** the stage (opportunities), status (leads) or state (accounts) */
  state: string | null;
  last_followed_at: string | null;
  /** last follow-up, else assignment/claim, else creation: what the idle time counts from */
  idle_since: string;
  idle_days: number;
  /** the N days allowed for this record */
  limit_days: number;
}

export interface MyDay {
  date: string;
  time_zone: string;
  tasks_due: Section<TaskItem>;
  tasks_overdue: Section<TaskItem>;
  upcoming_meetings: Section<MeetingItem>;
  follow_ups_overdue: {
    accounts: Section<IdleItem>;
    opportunities: Section<IdleItem>;
    leads: Section<IdleItem>;
  };
}

export type TimelineObject = 'account' | 'contact' | 'lead' | 'opportunity';

export interface TimelineItem {
  kind: 'activity' | 'task';
  /** activities: when it happened (or is planned); tasks: due, else created */
  at: string;
  record: Rec;
}

type Counted<T> = T & { total: number };

const iso = (v: unknown): string | null =>
  v instanceof Date ? v.toISOString() : typeof v === 'string' ? v : null;

function section<T extends object>(rows: Array<Counted<T>>, map: (r: Counted<T>) => T): Section<T> {
  return { count: rows[0]?.total ?? 0, items: rows.map(map) };
}

const empty = <T>(): Section<T> => ({ count: 0, items: [] });

/** My day, and the timeline of a record (activities and tasks about it). */
export class ActivitiesService {
  constructor(private readonly p: Platform) {}

  private tdb(actor: Actor): TenantDb {
    return TenantDb.for(this.p.db, actor.tenantId);
  }

  /**
   * One person's day (in the tenant's zone): open tasks due that day, open tasks due before it,
   * meetings/visits/demos from now (or the day's start, for another day) to the end of the 7th
   * day after, and what has gone too long without a follow-up as of the end of the day. Each
   * list is one indexed query over the person's own records; counts come from a window, not a
   * second scan.
   */
  async myDay(actor: Actor, date: string | undefined): Promise<MyDay> {
    const tz = actor.timeZone;
    const today = todayIn(tz);
    const day = date ?? today;
    const me = actor.userId;
    const out: MyDay = {
      date: day,
      time_zone: tz,
      tasks_due: empty(),
      tasks_overdue: empty(),
      upcoming_meetings: empty(),
      follow_ups_overdue: { accounts: empty(), opportunities: empty(), leads: empty() },
    };
    if (!me) return out;
    const tdb = this.tdb(actor);
    const t = actor.tenantId;
    const start = sql`(${day}::date::timestamp at time zone ${tz})`;
    const end = sql`((${day}::date + 1)::timestamp at time zone ${tz})`;
    const from = day === today ? sql`now()` : start;
    const weekEnd = sql`((${day}::date + 8)::timestamp at time zone ${tz})`;
    const n = MY_DAY_ITEMS;

    const taskCols = sql`id, subject, priority, due_at, lead_id, account_id, contact_id, opportunity_id, count(*) over ()::int8 as total`;
    const taskItem = (r: Counted<TaskItem>): TaskItem => ({
      id: r.id,
      subject: r.subject,
      priority: r.priority,
      due_at: iso(r.due_at),
      lead_id: r.lead_id,
      account_id: r.account_id,
      contact_id: r.contact_id,
      opportunity_id: r.opportunity_id,
    });
    const idleItem = (r: Counted<IdleItem>): IdleItem => ({
      id: r.id,
      name: r.name,
      state: r.state,
      last_followed_at: iso(r.last_followed_at),
      idle_since: iso(r.idle_since) ?? '',
      idle_days: Number(r.idle_days),
      limit_days: Number(r.limit_days),
    });
    const idleDays = (since: RawBuilder<unknown>) =>
      sql`floor(extract(epoch from ${end} - ${since}) / 86400)::int`;

    const jobs: Array<Promise<void>> = [];
    if (can(actor, 'task', 'read')) {
      jobs.push(
        tdb
          .query(
            sql<Counted<TaskItem>>`select ${taskCols} from task
              where tenant_id = ${t} and owner_id = ${me} and status = 'open' and deleted_at is null
                and due_at >= ${start} and due_at < ${end}
              order by due_at, id limit ${n}`,
          )
          .then((rows) => void (out.tasks_due = section(rows, taskItem))),
        tdb
          .query(
            sql<Counted<TaskItem>>`select ${taskCols} from task
              where tenant_id = ${t} and owner_id = ${me} and status = 'open' and deleted_at is null
                and due_at < ${start}
              order by due_at, id limit ${n}`,
          )
          .then((rows) => void (out.tasks_overdue = section(rows, taskItem))),
      );
    }
    if (can(actor, 'activity', 'read'))
      jobs.push(
        tdb
          .query(
            sql<
              Counted<MeetingItem>
            >`select id, subject, type, occurred_at, address, lead_id, account_id, contact_id, opportunity_id,
                count(*) over ()::int8 as total
              from activity
              where tenant_id = ${t} and owner_id = ${me} and deleted_at is null
                and type = any(${[...MEETING_TYPES]}::text[])
                and occurred_at > ${from} and occurred_at < ${weekEnd}
              order by occurred_at, id limit ${n}`,
          )
          .then(
            (rows) =>
              void (out.upcoming_meetings = section(rows, (r) => ({
                id: r.id,
                subject: r.subject,
                type: r.type,
                occurred_at: iso(r.occurred_at) ?? '',
                address: r.address,
                lead_id: r.lead_id,
                account_id: r.account_id,
                contact_id: r.contact_id,
                opportunity_id: r.opportunity_id,
              }))),
          ),
      );

    const limit = await this.noFollowUpDays(tdb);
    if (can(actor, 'account', 'read')) {
      const since = sql`coalesce(a.last_followed_at, a.claimed_at, a.created_at)`;
      jobs.push(
        tdb
          .query(
            sql<Counted<IdleItem>>`select a.id, a.name, a.state, a.last_followed_at, ${since} as idle_since,
                ${idleDays(since)} as idle_days, ${limit}::int as limit_days, count(*) over ()::int8 as total
              from account a
              where a.tenant_id = ${t} and a.owner_id = ${me} and a.state in ('owned', 'won') and a.deleted_at is null
                and ${since} < ${end} - make_interval(days => ${limit}::int)
              order by ${since}, a.id limit ${n}`,
          )
          .then((rows) => void (out.follow_ups_overdue.accounts = section(rows, idleItem))),
      );
    }
    if (can(actor, 'opportunity', 'read')) {
      const since = sql`coalesce(o.last_followed_at, o.created_at)`;
      jobs.push(
        tdb
          .query(
            sql<
              Counted<IdleItem>
            >`select o.id, o.name, o.stage as state, o.last_followed_at, ${since} as idle_since,
                ${idleDays(since)} as idle_days, ${limit}::int as limit_days, count(*) over ()::int8 as total
              from opportunity o
              join sales_stage s on s.tenant_id = o.tenant_id and s.pipeline_id = o.pipeline_id and s.key = o.stage
              where o.tenant_id = ${t} and o.owner_id = ${me} and o.deleted_at is null and s.type = 'active'
                and ${since} < ${end} - make_interval(days => ${limit}::int)
              order by ${since}, o.id limit ${n}`,
          )
          .then((rows) => void (out.follow_ups_overdue.opportunities = section(rows, idleItem))),
      );
    }
    if (can(actor, 'lead', 'read')) {
      const since = sql`coalesce(l.last_followed_at, l.assigned_at, l.created_at)`;
      const days = sql`coalesce(p.first_followup_days, 3)::int`;
      jobs.push(
        tdb
          .query(
            sql<
              Counted<IdleItem>
            >`select l.id, l.name, l.status as state, l.last_followed_at, ${since} as idle_since,
                ${idleDays(since)} as idle_days, ${days} as limit_days, count(*) over ()::int8 as total
              from lead l
              left join lead_pool p on p.tenant_id = l.tenant_id and p.id = l.pool_id
              where l.tenant_id = ${t} and l.owner_id = ${me} and l.status in ('pending', 'in_progress') and l.deleted_at is null
                and ${since} < ${end} - make_interval(days => ${days})
              order by ${since}, l.id limit ${n}`,
          )
          .then((rows) => void (out.follow_ups_overdue.leads = section(rows, idleItem))),
      );
    }
    await Promise.all(jobs);
    return out;
  }

  /** tenant.settings.sales.noFollowUpDays when it is a positive whole number, else 7. */
  private async noFollowUpDays(tdb: TenantDb): Promise<number> {
    const r = await tdb.one(
      sql<{
        v: unknown;
      }>`select settings->'sales'->'noFollowUpDays' as v from tenant where id = ${tdb.tenantId}`,
    );
    const v = r?.v;
    return typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= 3650 ? v : DEFAULT_NO_FOLLOW_UP_DAYS;
  }

  /**
   * Activities and tasks about a record, newest first, keyset-paginated on (at, id). The reader
   * must be able to read the record; items come through the records engine, so the activity and
   * task record scopes and field permissions apply. An account's timeline also holds what was
   * logged on its contacts and opportunities.
   */
  async timeline(
    actor: Actor,
    q: { object: TimelineObject; id: string; cursor?: string | undefined; limit: number },
  ): Promise<{ data: TimelineItem[]; next_cursor: string | null }> {
    await this.p.records.get(actor, q.object, q.id, { fields: ['id'] });
    const after = q.cursor ? decodeTimelineCursor(q.cursor) : null;
    if (q.cursor && !after)
      throw new AppError('bad_request', 'bad_request', [{ field: 'cursor', issue: 'invalid_cursor' }]);
    const t = actor.tenantId;
    const about = (alias: 't'): RawBuilder<boolean> => {
      const col = (c: string) => sql.ref(`${alias}.${c}`);
      if (q.object !== 'account') return sql<boolean>`${col(`${q.object}_id`)} = ${q.id}::uuid`;
      return sql<boolean>`(${col('account_id')} = ${q.id}::uuid
        or ${col('contact_id')} in (select c.id from contact c where c.tenant_id = ${t} and c.account_id = ${q.id}::uuid)
        or ${col('opportunity_id')} in (select o.id from opportunity o where o.tenant_id = ${t} and o.account_id = ${q.id}::uuid))`;
    };
    const page = after
      ? sql<boolean>`(x.at, x.id) < (${after.at}::timestamptz, ${after.id}::uuid)`
      : sql<boolean>`true`;
    const parts: RawBuilder<unknown>[] = [];
    if (can(actor, 'activity', 'read'))
      parts.push(sql`select 'activity' as kind, t.id, t.occurred_at as at from activity t
        where t.tenant_id = ${t} and t.deleted_at is null and ${about('t')} and ${scopePredicate(actor, 'activity')}`);
    if (can(actor, 'task', 'read'))
      parts.push(sql`select 'task' as kind, t.id, coalesce(t.due_at, t.created_at) as at from task t
        where t.tenant_id = ${t} and t.deleted_at is null and ${about('t')} and ${scopePredicate(actor, 'task')}`);
    if (!parts.length) return { data: [], next_cursor: null };
    const rows = await this.tdb(actor).query(sql<{ kind: 'activity' | 'task'; id: string; at: string }>`
      select x.kind, x.id, to_char(x.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at
      from (${sql.join(parts, sql` union all `)}) x
      where ${page}
      order by x.at desc, x.id desc limit ${q.limit + 1}`);
    const hasMore = rows.length > q.limit;
    const pageRows = hasMore ? rows.slice(0, q.limit) : rows;
    const records = new Map<string, Rec>();
    for (const kind of ['activity', 'task'] as const) {
      const ids = pageRows.filter((r) => r.kind === kind).map((r) => r.id);
      if (!ids.length) continue;
      const res = await this.p.records.list(actor, kind, {
        filter: [{ field: 'id', op: 'in', value: ids }],
        sort: [],
        limit: ids.length,
        expand: ['owner_id'],
        count: false,
        deleted: 'exclude',
      });
      for (const r of res.data) records.set(String(r.id), r);
    }
    const data = pageRows.flatMap((r) => {
      const record = records.get(r.id);
      return record ? [{ kind: r.kind, at: new Date(Date.parse(r.at)).toISOString(), record }] : [];
    });
    const last = pageRows[pageRows.length - 1];
    return { data, next_cursor: hasMore && last ? encodeTimelineCursor(last.at, last.id) : null };
  }

  /** Marks a task done (completed_at is set by the task hook); done already → unchanged. */
  async completeTask(actor: Actor, id: string): Promise<Rec> {
    return this.p.records.update(actor, 'task', id, { status: 'done' });
  }
}
