// Response schemas of the accounts module (docs/API.md section "Accounts and contacts"), for the
// OpenAPI document. Documentation only at runtime, like the platform's (docs/decisions/0001-…);
// server/test/accounts.test.ts validates real answers against them.
import { z } from 'zod';
import { Labels, RecordData, timestamp } from '../../platform/http/response-schemas.ts';

const id = z.string();

export const GradeRule = z
  .strictObject({
    id: z.string(),
    grade: z.string().describe('A value of the account grade field'),
    match: z.enum(['any', 'all']),
    conditions: z.array(
      z.strictObject({
        field: z.string(),
        op: z.enum(['gte', 'lte', 'eq', 'ne', 'contains', 'in', 'is_set']),
        value: z.unknown().optional(),
      }),
    ),
  })
  .meta({ id: 'AccountGradeRule', description: 'Ordered: the first rule that holds sets the grade' });

export const AccountSettings = z
  .strictObject({
    holdingLimit: z.number().int().describe('Global holding limit per person (保有量)'),
    wonCountsTowardLimit: z.boolean(),
    reclaimCooldownDays: z.number().int(),
    protection: z.strictObject({
      enabled: z.boolean().describe('Applies only to accounts claimed from a pool; off by default'),
      days: z.number().int(),
      extendDays: z.number().int(),
      hardLimitDays: z.number().int(),
    }),
    duplicatePolicy: z.enum(['warn', 'block']),
    gradeRules: z.array(GradeRule),
    gradeFallback: z.string().nullable(),
    returnReasons: z.array(z.string()),
  })
  .meta({ id: 'AccountSettings', description: 'The account settings with defaults filled in' });

export const AccountPoolMember = z
  .strictObject({ user_id: id, role: z.enum(['member', 'admin']), name: z.string() })
  .meta({ id: 'AccountPoolMember' });

export const AccountPoolEntry = z
  .strictObject({
    account_id: id,
    entered_at: timestamp.describe('When the account last went into a pool'),
    kind: z.string().describe('How: returned, reclaimed, transferred …'),
    from_owner_id: id.nullable(),
    from_owner_name: z.string().nullable(),
    reason: z.string().nullable(),
  })
  .meta({ id: 'AccountPoolEntry', description: 'The latest move that put an account into its pool' });

export const AccountTeamMember = z
  .strictObject({
    user_id: id,
    name: z.string(),
    role: z.string(),
    access: z.enum(['read', 'edit']),
    added_at: timestamp,
  })
  .meta({ id: 'AccountTeamMember' });

export const AccountDuplicateHit = z
  .strictObject({
    id,
    name: z.string().describe('Empty when the caller may not read the account'),
    visible: z.boolean(),
    owner_id: id.nullable().describe('Null when not visible or in a pool'),
    owner_name: z.string().nullable().describe('Only for accounts the caller may read'),
    state: z.string().nullable(),
    matched: z.array(z.enum(['name', 'phone', 'credit_code'])),
    similarity: z.number().nullable().describe('Name similarity (0–1); null when the name did not match'),
  })
  .meta({ id: 'AccountDuplicateHit' });

export const AccountEvent = z
  .strictObject({
    id,
    at: timestamp,
    kind: z.enum(['claimed', 'returned', 'assigned', 'transferred', 'reclaimed']),
    reason: z.string().nullable(),
    from_owner: id.nullable(),
    to_owner: id.nullable(),
    from_pool: id.nullable(),
    to_pool: id.nullable(),
    actor_name: z.string().nullable().describe('Null for the reclaim job'),
  })
  .meta({ id: 'AccountEvent' });

interface OrgNodeShape {
  id: string;
  name: string;
  title: string | null;
  role: string | null;
  reports: OrgNodeShape[];
}
export const OrgNode: z.ZodType<OrgNodeShape> = z
  .strictObject({
    id,
    name: z.string(),
    title: z.string().nullable(),
    role: z.string().nullable(),
    get reports() {
      return z.array(OrgNode);
    },
  })
  .meta({ id: 'AccountOrgNode' });

const slot = z.null().describe('Not available yet (the module is not built)');

export const AccountOverview = z
  .strictObject({
    account: RecordData,
    contacts: z.array(RecordData),
    org_chart: z.array(OrgNode).describe('Contacts nested by reports_to'),
    opportunities: z
      .array(
        z.strictObject({
          record: RecordData,
          stage_name: Labels.nullable(),
          stage_type: z.enum(['active', 'won', 'lost', 'invalid']).nullable(),
        }),
      )
      .nullable()
      .describe('Null when the caller may not read opportunities'),
    activities: z
      .strictObject({ data: z.array(RecordData), next_cursor: z.string().nullable() })
      .nullable()
      .describe('Newest first, 50 a page; pass next_cursor as ?cursor='),
    open_tasks: z.array(RecordData).nullable(),
    events: z.array(AccountEvent).describe('Pool moves, newest first'),
    team: z.array(AccountTeamMember),
    slots: z.strictObject({
      orders: slot,
      payments: slot,
      invoices: slot,
      tickets: slot,
      health: slot,
      renewals: slot,
      nps: slot,
    }),
  })
  .meta({ id: 'AccountOverview', description: 'The 360° view: only what the caller may read' });
