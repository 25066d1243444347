// Response schemas of the leads module (docs/API.md section 13), for the OpenAPI document and
// so for web/src/api/schema.d.ts. Documentation only at runtime, like the platform's (see
// docs/decisions/0001-response-schemas-documentation-only.md); server/test/leads-responses.test.ts
// validates real answers against them.
//
// They describe the JSON wire form: timestamps are ISO strings, int8 counts are numbers. Closed
// shapes are strict objects, so an undocumented key fails the conformance test.
import { z } from 'zod';
import { Labels, RecordData, timestamp } from '../../platform/http/response-schemas.ts';

const id = z.string();
const count = z.number().int();
/** Minor units (fen) of a currency. */
const minor = z.number().int();

// --- settings (LEADS.md 12.1) ---

const ConditionOp = z.enum(['eq', 'ne', 'contains', 'gte', 'lte', 'in', 'is_set']);

export const LeadCondition = z
  .strictObject({ field: z.string(), op: ConditionOp, value: z.unknown().optional() })
  .meta({ id: 'LeadCondition', description: 'A field condition of a scoring or assignment rule' });

export const DuplicateRule = z
  .strictObject({
    id: z.string(),
    fields: z.array(
      z.strictObject({
        field: z.enum(['mobile', 'email', 'company']),
        match: z.enum(['exact', 'fuzzy']),
      }),
    ),
    combinator: z.enum(['and', 'or']),
    onCapture: z
      .enum(['merge', 'review'])
      .describe('merge into the existing lead as a new touch, or create and flag for review'),
  })
  .meta({ id: 'DuplicateRule' });

const scoringRuleBase = {
  id: z.string(),
  label: Labels,
  group: z.string(),
  points: z.number().int(),
};

export const ScoringRule = z
  .union([
    z.strictObject({ ...scoringRuleBase, kind: z.literal('field'), when: LeadCondition }),
    z.strictObject({
      ...scoringRuleBase,
      kind: z.literal('behaviour'),
      behaviour: z.enum(['form_submitted', 'campaign_attended', 'campaign_registered']),
      min_count: z.number().int(),
    }),
  ])
  .meta({ id: 'ScoringRule' });

export const AssignmentRule = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    conditions: z.array(LeadCondition).describe('All must hold (none = always)'),
    strategy: z.enum(['round_robin', 'load']),
    members: z.array(id),
    dailyCap: z.number().int().describe('0 = no cap'),
    paused: z.array(id),
    poolId: id
      .nullable()
      .optional()
      .describe(
        'The members of this lead pool (users, and everyone in its member departments) are candidates too',
      ),
  })
  .meta({ id: 'AssignmentRule' });

export const ConversionMapping = z
  .strictObject({
    lead_field: z.string(),
    object: z.enum(['account', 'contact', 'opportunity']),
    field: z.string(),
  })
  .meta({ id: 'ConversionMapping' });

export const LeadSettings = z
  .strictObject({
    duplicateRules: z.array(DuplicateRule),
    fuzzyThreshold: z.number().describe('pg_trgm similarity for fuzzy company matches'),
    manualDuplicatePolicy: z.enum(['warn', 'block']),
    invalidReasons: z.array(z.string()),
    scoring: z.strictObject({
      rules: z.array(ScoringRule),
      groupCaps: z.record(z.string(), z.number().int()).describe('Most points per group'),
      monthlyDecayPercent: z.number(),
    }),
    assignmentRules: z.array(AssignmentRule),
    defaultPoolId: id.nullable(),
    protection: z.strictObject({
      enabled: z
        .boolean()
        .describe('Claimed leads go back to their pool when protection runs out (off by default)'),
      days: z.number().int(),
      extendDays: z.number().int(),
      hardLimitDays: z.number().int(),
    }),
    reclaimCooldownDays: z.number().int(),
    requireQualifiedToConvert: z
      .boolean()
      .describe('Conversion needs qualification MQL or SQL (off by default)'),
    conversionMapping: z.array(ConversionMapping),
  })
  .meta({ id: 'LeadSettings', description: 'The lead settings with defaults filled in (LEADS.md 12.1)' });

// --- duplicates ---

export const DuplicateHit = z
  .strictObject({
    object: z.enum(['lead', 'account', 'contact']),
    id,
    name: z.string().describe('Empty when the caller may not read the record'),
    visible: z.boolean(),
    owner_id: id.nullable(),
    owner_name: z.string().nullable().describe('Always shown, so the user can talk to the colleague'),
    status: z.string().nullable().describe("The lead's status, the account's type, null for contacts"),
    matched: z.array(z.enum(['mobile', 'email', 'company'])),
    similarity: z.number().nullable().describe('Company similarity (0–1, two decimals); null for exact hits'),
    rule: z.string().describe('The duplicate rule that applied'),
    onCapture: z.enum(['merge', 'review']),
  })
  .meta({ id: 'DuplicateHit' });

export const ReviewItem = z
  .strictObject({
    lead: RecordData,
    candidate: RecordData.nullable().describe('The lead it resembles; null when you cannot see it'),
  })
  .meta({ id: 'ReviewItem' });

// --- capture, convert ---

export const CaptureResult = z
  .strictObject({
    lead_id: id,
    outcome: z
      .enum(['created', 'merged', 'flagged'])
      .describe('merged: into an existing lead as a new touch; flagged: created as a possible duplicate'),
    owner_id: id.nullable(),
  })
  .meta({ id: 'CaptureResult' });

export const ConvertResult = z
  .strictObject({
    account_id: id,
    contact_id: id,
    opportunity_id: id.nullable().describe('When an opportunity was asked for (needs the sales module)'),
  })
  .meta({ id: 'ConvertResult' });

// --- timeline and score ---

export const LeadTouch = z
  .strictObject({
    id,
    at: timestamp,
    channel: z.string(),
    campaign_id: id.nullable(),
    attribution: z
      .record(z.string(), z.unknown())
      .describe('utm_*, landing_page, referrer as submitted (text)'),
  })
  .meta({ id: 'LeadTouch' });

export const LeadEvent = z
  .strictObject({
    id,
    at: timestamp,
    kind: z
      .string()
      .describe(
        'assigned, reassigned, claimed, qualified (reason: mql or sql), returned, transferred, invalidated, voided, revived, recycled, converted, merged, followed_up (first logged activity: pending → in progress)',
      ),
    reason: z.string().nullable().describe('Free text, a rule (rule:<id>), or JSON text (converted, merged)'),
    from_owner: id.nullable(),
    to_owner: id.nullable(),
    from_pool: id.nullable(),
    to_pool: id.nullable(),
    actor_name: z.string().nullable().describe('null for the pipeline, public forms and jobs'),
  })
  .meta({ id: 'LeadEvent' });

export const LeadTimeline = z
  .strictObject({ touches: z.array(LeadTouch), events: z.array(LeadEvent) })
  .meta({ id: 'LeadTimeline', description: 'Newest first' });

export const ScoreExplanation = z
  .strictObject({
    score: z.number().int(),
    explanation: z.array(z.strictObject({ rule: z.string(), label: Labels, points: z.number().int() })),
    decay: z
      .strictObject({ months: z.number().int(), percent: z.number(), before: z.number().int() })
      .nullable()
      .describe('The monthly decay taken off, if any'),
  })
  .meta({ id: 'ScoreExplanation' });

// --- pools ---

export const PoolMember = z
  .strictObject({ user_id: id, role: z.enum(['member', 'admin']), name: z.string() })
  .meta({ id: 'PoolMember' });

export const PoolDepartment = z
  .strictObject({ department_id: id, role: z.enum(['member', 'admin']), name: z.string() })
  .meta({ id: 'PoolDepartment' });

/** `GET /leads/pools/{id}/members`: users, departments (covering sub-departments), the caller's role. */
export const PoolMembers = z
  .strictObject({
    data: z.array(PoolMember),
    departments: z.array(PoolDepartment),
    my_role: z
      .enum(['member', 'admin'])
      .nullable()
      .describe("The caller's role in the pool, as a user or through their department"),
  })
  .meta({ id: 'PoolMembers' });

// --- web-to-lead forms ---

export const LeadForm = z
  .strictObject({
    id,
    form_key: z.string().describe('The public key: POST /api/v1/public/forms/{form_key}'),
    name: z.string(),
    pool_id: id.nullable(),
    campaign_id: id.nullable(),
    allowed_origins: z.array(z.string()),
    thank_you: z.record(z.string(), z.unknown()),
    active: z.boolean(),
    created_at: timestamp,
  })
  .meta({ id: 'LeadForm' });

export const LeadFormCreated = z.strictObject({ id, form_key: z.string() }).meta({ id: 'LeadFormCreated' });

export const FormThankYou = z
  .object({ ok: z.literal(true) })
  .catchall(z.unknown())
  .meta({ id: 'FormThankYou', description: "`ok` plus the form's thank_you keys" });

// --- analytics ---

export const FunnelRow = z
  .strictObject({
    key: z.string().nullable().describe('Source channel, campaign id or owner id; null = none / unassigned'),
    name: z.string().describe('Campaign or owner name; empty for sources and for null keys'),
    captured: count,
    contacted: count,
    qualified: count,
    converted: count,
    opportunity: count,
    won: count,
  })
  .meta({ id: 'LeadFunnelRow' });

export const LeadAnalytics = z
  .strictObject({
    period: z.strictObject({
      from: z.string().describe('YYYY-MM-DD'),
      to: z.string().describe('YYYY-MM-DD'),
      granularity: z.enum(['day', 'week', 'month']),
      time_zone: z.string(),
    }),
    trend: z.array(
      z.strictObject({
        period: z.string().describe('First day of the period, YYYY-MM-DD'),
        source: z.string().nullable(),
        count,
      }),
    ),
    funnel: z.strictObject({
      captured: count,
      contacted: count,
      qualified: count.describe('Leads of the period qualified (MQL or SQL) at some point, or converted'),
      converted: count,
      invalid: count,
      opportunity: count.describe('Leads of the period converted with an opportunity'),
      won: count.describe('Leads of the period whose opportunity is won'),
      won_amounts: z
        .array(z.strictObject({ currency: z.string(), amount: z.number().int() }))
        .describe('Won amounts of those opportunities per currency, minor units'),
      rates: z.strictObject({
        contacted: z.number(),
        qualified: z.number(),
        converted: z.number(),
        opportunity: z.number(),
        won: z.number(),
      }),
    }),
    funnel_breakdown: z
      .strictObject({ source: z.array(FunnelRow), campaign: z.array(FunnelRow), owner: z.array(FunnelRow) })
      .describe(
        'The funnel stages per source channel, campaign and current owner; the rows of each add up to the funnel',
      ),
    by_source: z.array(
      z.strictObject({
        source: z.string().nullable(),
        captured: count,
        converted: count,
        conversion_rate: z.number(),
      }),
    ),
    invalid_reasons: z.array(z.strictObject({ reason: z.string().nullable(), count })),
    owners: z.array(
      z.strictObject({
        owner_id: id,
        owner_name: z.string(),
        holding: count,
        converted: count,
        first_followup_median_hours: z.number().nullable(),
        first_followup_p90_hours: z.number().nullable(),
      }),
    ),
    score_bands: z
      .array(z.strictObject({ band: z.enum(['0-19', '20-39', '40-59', '60-79', '80+']), count }))
      .describe('Always the five bands'),
    pool_moves: z.array(z.strictObject({ kind: z.string(), count })),
    campaigns: z.array(
      z.strictObject({
        campaign_id: id,
        name: z.string(),
        cost: minor.nullable(),
        currency: z.string().nullable(),
        leads: count,
        converted: count,
        cost_per_lead: minor.nullable(),
        cost_per_converted: minor.nullable(),
      }),
    ),
  })
  .meta({
    id: 'LeadAnalytics',
    description: 'Rates are fractions (4 decimals); money in minor units of the campaign currency',
  });

// --- campaigns ---

export const CampaignStats = z
  .strictObject({
    campaign_id: id,
    members: z
      .strictObject({ invited: count, registered: count, attended: count, total: count })
      .nullable()
      .describe('null without read permission on campaign_member'),
    leads: count.nullable().describe('null without read permission on lead'),
    converted: count.nullable(),
    currency: z.string(),
    cost: minor.nullable(),
    budget: minor.nullable(),
    cost_per_lead: minor.nullable(),
    cost_per_converted: minor.nullable(),
    won_amount: minor.nullable().describe('null while there is no opportunity table'),
    roi: z.number().nullable(),
  })
  .meta({ id: 'CampaignStats', description: 'Money in minor units of `currency`' });
