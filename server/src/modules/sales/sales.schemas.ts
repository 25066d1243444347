// Response schemas of the opportunity routes (docs/API.md section "Sales"), for the OpenAPI
// document and the web client's types. Documentation only at runtime (docs/decisions/0001);
// server/test/sales-responses.test.ts validates real answers against them.
import { z } from 'zod';
import { Labels, Money } from '../../platform/http/response-schemas.ts';

const id = z.string();
const count = z.number().int();
const minor = z.number().int();

export const SalesStage = z
  .strictObject({
    key: z.string(),
    name: Labels,
    type: z.enum(['active', 'won', 'lost', 'invalid']),
    probability: z.number().int(),
    forecast_category: z.enum(['pipeline', 'best_case', 'commit', 'closed', 'omitted']),
    max_days: z.number().int().nullable(),
    required_fields: z.array(z.string()),
    required_activities: z.array(z.string()),
    allow_create: z.boolean(),
  })
  .meta({ id: 'SalesStage' });

export const SalesPipeline = z
  .strictObject({
    id,
    name: Labels,
    type: z.enum(['new', 'upsell', 'renewal']),
    is_default: z.boolean(),
    no_skip: z.boolean(),
    no_back: z.boolean(),
    stages: z.array(SalesStage),
  })
  .meta({ id: 'SalesPipeline' });

export const SalesSettings = z
  .strictObject({
    lostReasons: z.array(z.string()),
    invalidReasons: z.array(z.string()),
    duplicatePolicy: z.enum(['warn', 'block']),
    noFollowUpDays: z.number().int(),
  })
  .meta({ id: 'SalesSettings' });

export const StageGate = z
  .strictObject({
    from: z.string(),
    to: z.string(),
    allowed: z.boolean(),
    required_fields: z.array(z.string()),
    required_activities: z.array(z.string()),
    missing: z.array(
      z.strictObject({
        field: z.string().describe('`amount`, `activities.demo`, `stage`, `close_reason` …'),
        code: z.string().describe('required, activity_required, no_skip, no_back, reopen_first'),
      }),
    ),
    close_reasons: z
      .array(z.string())
      .nullable()
      .describe('lost/invalid targets: the allowed close_reason values'),
  })
  .meta({ id: 'StageGate' });

export const OpportunityDuplicates = z
  .strictObject({
    policy: z.enum(['warn', 'block']),
    hits: z.array(z.strictObject({ id, name: z.string(), owner_id: id.nullable(), stage: z.string() })),
  })
  .meta({ id: 'OpportunityDuplicates' });

export const OpportunityContact = z
  .strictObject({ contact_id: id, name: z.string().nullable(), role: z.string().nullable() })
  .meta({ id: 'OpportunityContact' });

export const OpportunityTeamMember = z
  .strictObject({ user_id: id, name: z.string(), role: z.string() })
  .meta({ id: 'OpportunityTeamMember' });

export const OpportunityLine = z
  .strictObject({
    id,
    product: z.string(),
    quantity: z.number(),
    unit_price: minor,
    currency: z.string(),
    amount: minor,
  })
  .meta({ id: 'OpportunityLine' });

export const KanbanBoard = z
  .strictObject({
    pipeline_id: id,
    columns: z.array(
      z.strictObject({
        key: z.string(),
        name: Labels,
        type: z.enum(['active', 'won', 'lost', 'invalid']),
        probability: z.number().int(),
        max_days: z.number().int().nullable(),
        count,
        amounts: z.array(z.strictObject({ currency: z.string(), amount: minor, weighted: minor })),
        cards: z.array(
          z.strictObject({
            id,
            name: z.string(),
            account_id: id,
            account_name: z.string().nullable(),
            amount: Money.nullable(),
            close_date: z.string().nullable(),
            owner_id: id.nullable(),
            owner_name: z.string().nullable(),
            days_in_stage: count,
            overdue: z.boolean(),
          }),
        ),
      }),
    ),
  })
  .meta({ id: 'KanbanBoard' });
