// Response schemas of the activities module (docs/API.md "Activities and tasks"), for the
// OpenAPI document. Documentation only at runtime, like the platform's (see
// docs/decisions/0001-response-schemas-documentation-only.md); server/test/activities.test.ts
// validates real answers against them.
import { z } from 'zod';
import { RecordData, timestamp } from '../../platform/http/response-schemas.ts';

const id = z.string();
const ref = id.nullable();
const count = z.number().int();

const related = { lead_id: ref, account_id: ref, contact_id: ref, opportunity_id: ref };

export const MyDayTask = z
  .strictObject({
    id,
    subject: z.string(),
    priority: z.string().nullable(),
    due_at: timestamp.nullable(),
    ...related,
  })
  .meta({ id: 'MyDayTask' });

export const MyDayMeeting = z
  .strictObject({
    id,
    subject: z.string(),
    type: z.string(),
    occurred_at: timestamp,
    address: z.string().nullable(),
    ...related,
  })
  .meta({ id: 'MyDayMeeting' });

export const IdleRecord = z
  .strictObject({
    id,
    name: z.string(),
    state: z.string().nullable().describe('account state, opportunity stage or lead status'),
    last_followed_at: timestamp.nullable(),
    idle_since: timestamp.describe('last follow-up, else claim/assignment, else creation'),
    idle_days: count,
    limit_days: count.describe('days allowed without a follow-up'),
  })
  .meta({ id: 'IdleRecord' });

const section = <T extends z.ZodType>(item: T) =>
  z.strictObject({ count: count.describe('how many there are in all'), items: z.array(item).max(20) });

export const MyDay = z
  .strictObject({
    date: z.string().describe('YYYY-MM-DD in the tenant time zone'),
    time_zone: z.string(),
    tasks_due: section(MyDayTask).describe('open tasks due that day, earliest first'),
    tasks_overdue: section(MyDayTask).describe('open tasks due before that day, longest overdue first'),
    upcoming_meetings: section(MyDayMeeting).describe(
      'meetings, visits and demos from now (another day: its start) to the end of the 7th day after, soonest first',
    ),
    follow_ups_overdue: z.strictObject({
      accounts: section(IdleRecord),
      opportunities: section(IdleRecord),
      leads: section(IdleRecord),
    }),
  })
  .meta({ id: 'MyDay', description: 'Lists carry the first 20; idle records longest idle first' });

export const TimelineItem = z
  .strictObject({
    kind: z.enum(['activity', 'task']),
    at: timestamp.describe('activities: when it happened or is planned; tasks: due, else created'),
    record: RecordData,
  })
  .meta({ id: 'TimelineItem' });

export const TimelinePage = z
  .strictObject({ data: z.array(TimelineItem), next_cursor: z.string().nullable() })
  .meta({ id: 'TimelinePage', description: 'Newest first' });
