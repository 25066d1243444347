import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Platform } from '../../platform/platform.ts';
import { actorOf } from '../../platform/http/auth.hooks.ts';
import { dataOf, responses, timestamp } from '../../platform/http/response-schemas.ts';
import { invalid } from '../../platform/http/errors.ts';
import { isUuid } from '../../platform/db/ids.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import { addDays, todayIn } from '../../platform/jobs/dates.rules.ts';
import { isDay } from './month.rules.ts';
import { MAX_USAGE_ROWS } from './usage.rules.ts';
import {
  externalIdField,
  ingestUsage,
  readUsage,
  saveExternalIdField,
  STANDARD_EXTERNAL_ID_FIELDS,
} from './usage.service.ts';
import { importUsageFile } from './usage.import.ts';

const tags = ['success'];
// bodies and queries are checked by the service / here, so that every problem is a 422 naming it
const passThrough = { validatorCompiler: () => (data: unknown) => ({ value: data }) };
// 10,000 rows with module records and quotas are 3–6 MB of JSON: above the default body limit
const USAGE_BODY_LIMIT = 32 * 1024 * 1024;
/** Longest range GET …/usage returns (three years of days). */
const MAX_RANGE_DAYS = 1_096;

const count = z.number().int().min(0);
const Quotas = z
  .record(z.string(), z.strictObject({ used: count, limit: z.number().int().min(1) }))
  .describe('per resource: `{ used, limit }` (e.g. users, bi, custom_objects)');

const UsageRowInput = z
  .strictObject({
    account_id: z.string().optional().describe('the customer (account id) — or external_id'),
    external_id: z
      .string()
      .max(200)
      .optional()
      .describe(
        'the customer by the account field named in `settings.success.externalIdField` (default credit_code)',
      ),
    date: z.string().describe('YYYY-MM-DD, not after the tenant’s today'),
    purchased_seats: count,
    activated_seats: count,
    logged_in_users_7d: count.describe('distinct users who logged in over the 7 days ending `date`'),
    bi_users_7d: count.describe('distinct users who used BI over the 7 days ending `date`'),
    module_records: z
      .record(z.string(), count)
      .optional()
      .describe('new records created that day per module key, e.g. {"account": 12, "contract": 3}'),
    quotas: Quotas.nullable().optional(),
    admin_user: z.string().max(200).nullable().optional().describe('system administrator (identifier)'),
    department_heads: z.array(z.string().max(200)).max(100).nullable().optional(),
  })
  .meta({ id: 'UsageRowInput' });

const IngestResultSchema = z
  .strictObject({
    received: z.number().int().describe('rows in the request'),
    inserted: z.number().int().describe('customer-days that had no row yet'),
    replaced: z
      .number()
      .int()
      .describe(
        'customer-days replaced (a resend); received − inserted − replaced = rows superseded by a later row of the batch',
      ),
  })
  .meta({ id: 'UsageIngestResult' });

const UsageDaySchema = z.strictObject({
  date: z.string(),
  purchased_seats: z.number().int(),
  activated_seats: z.number().int(),
  logged_in_users_7d: z.number().int(),
  bi_users_7d: z.number().int(),
  module_records: z.record(z.string(), z.number().int()),
  quotas: z
    .record(z.string(), z.strictObject({ used: z.number().int(), limit: z.number().int() }))
    .nullable(),
  admin_user: z.string().nullable(),
  department_heads: z.array(z.string()).nullable(),
  received_at: timestamp,
});

const AccountUsageSchema = z
  .strictObject({
    account_id: z.string(),
    from: z.string(),
    to: z.string(),
    rows: z.array(UsageDaySchema).describe('one per day with telemetry, oldest first'),
  })
  .meta({ id: 'AccountUsage' });

function day(v: string | undefined, field: string, fallback: string): string {
  if (v === undefined || v === '') return fallback;
  if (!isDay(v)) throw invalid([{ field, issue: 'invalid_date' }]);
  return v;
}

/** Telemetry in (JSON batches and spreadsheets) and out (one customer's days, for its health page). */
export function registerUsageRoutes(app: FastifyInstance, platform: Platform): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tdbOf = (tenantId: string): TenantDb => TenantDb.for(platform.db, tenantId);

  r.post(
    '/api/v1/usage',
    {
      bodyLimit: Math.max(USAGE_BODY_LIMIT, platform.config.bodyLimitBytes),
      schema: {
        tags,
        summary: `Push daily usage telemetry: 1–${MAX_USAGE_ROWS.toLocaleString('en-US')} rows, all or none; a resend of a customer-day replaces it`,
        description:
          'Needs update permission on accounts (a product’s telemetry key is normally an administrator’s API key). Rows naming a customer the caller cannot read, or none at all, are refused as `rows[i].account_id` / `rows[i].external_id`: `unknown_customer`. Within a batch, a later row for the same customer and date wins.',
        body: z.strictObject({ rows: z.array(UsageRowInput).min(1).max(MAX_USAGE_ROWS) }),
        response: responses({ 200: dataOf(IngestResultSchema) }),
      },
      ...passThrough,
    },
    async (req) => {
      const actor = actorOf(req);
      return { data: await ingestUsage(tdbOf(actor.tenantId), actor, req.body, todayIn(actor.timeZone)) };
    },
  );

  const SettingsSchema = z.strictObject({
    externalIdField: z
      .string()
      .describe(`${STANDARD_EXTERNAL_ID_FIELDS.join(' | ')} or a custom text field \`xxx__c\``),
  });
  r.get(
    '/api/v1/success/settings',
    {
      schema: {
        tags,
        summary: 'Telemetry settings: the account field external ids are matched against',
        response: responses({ 200: dataOf(SettingsSchema) }),
      },
    },
    async (req) => ({ data: { externalIdField: await externalIdField(tdbOf(actorOf(req).tenantId)) } }),
  );
  r.put(
    '/api/v1/success/settings',
    {
      schema: {
        tags,
        summary: 'Set the account field external ids are matched against (administrators)',
        body: SettingsSchema,
        response: responses({ 200: dataOf(SettingsSchema) }),
      },
      ...passThrough,
    },
    async (req) => {
      const actor = actorOf(req);
      return { data: { externalIdField: await saveExternalIdField(tdbOf(actor.tenantId), actor, req.body) } };
    },
  );

  r.post(
    '/api/v1/usage/import',
    {
      schema: {
        tags,
        summary:
          'Import usage telemetry from a CSV/XLSX file (multipart field `file`): the same rows as POST /api/v1/usage, all or none',
        description:
          'Columns: account_id or external_id, date, purchased_seats, activated_seats, logged_in_users_7d, bi_users_7d, then module records as a `module_records` JSON column and/or one `module:<key>` column per module, optional `quotas` (JSON), admin_user, department_heads (separated by ; or ,). Issues name the sheet row: `rows[5].activated_seats` (row 2 is the first data row).',
        consumes: ['multipart/form-data'],
        response: responses({ 200: dataOf(IngestResultSchema) }),
      },
    },
    async (req) => {
      if (!req.isMultipart()) throw invalid([{ field: 'file', issue: 'required' }]);
      const file = await req.file();
      if (!file) throw invalid([{ field: 'file', issue: 'required' }]);
      const actor = actorOf(req);
      return {
        data: await importUsageFile(
          tdbOf(actor.tenantId),
          actor,
          file.filename,
          file.file,
          () => file.file.truncated,
          todayIn(actor.timeZone),
        ),
      };
    },
  );

  r.get(
    '/api/v1/accounts/:id/usage',
    {
      schema: {
        tags,
        summary: "One customer's daily telemetry between two dates (default: the last 90 days)",
        params: z.object({ id: z.string() }),
        querystring: z.object({
          from: z.string().optional().describe('YYYY-MM-DD (default: 89 days before `to`)'),
          to: z.string().optional().describe('YYYY-MM-DD (default: today)'),
        }),
        response: responses({ 200: dataOf(AccountUsageSchema) }),
      },
      ...passThrough,
    },
    async (req) => {
      const actor = actorOf(req);
      const { id } = req.params;
      if (!isUuid(id)) throw invalid([{ field: 'id', issue: 'invalid_value' }]);
      const to = day(req.query.to, 'to', todayIn(actor.timeZone));
      const from = day(req.query.from, 'from', addDays(to, -89));
      if (to < from) throw invalid([{ field: 'to', issue: 'before_from' }]);
      if (to > addDays(from, MAX_RANGE_DAYS - 1))
        throw invalid([{ field: 'to', issue: 'range_too_long', params: { max: 36 } }]);
      return { data: await readUsage(tdbOf(actor.tenantId), actor, id.toLowerCase(), from, to) };
    },
  );
}
