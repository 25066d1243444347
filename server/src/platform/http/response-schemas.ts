// Response schemas for the OpenAPI document (and so for web/src/api/schema.d.ts).
//
// They are documentation only at runtime: the serializer compiler (server.ts) JSON.stringify's
// whatever a handler returns, without parsing or stripping it (see
// docs/decisions/0001-response-schemas-documentation-only.md). Conformance is tested instead:
// server/test/openapi-responses.test.ts validates real bodies against these schemas.
//
// Closed shapes are strict objects, so the conformance test also catches undocumented keys;
// records carry dynamic custom fields (`*__c`), so they are open (catchall field values).
// Schemas with a `meta({ id })` become named components (components.schemas.<id>).
import { z } from 'zod';
import { FIELD_TYPES } from '../metadata/types.ts';
import { SCOPES } from '../access/permissions.ts';

const LOCALE_VALUES = ['zh-CN', 'en-US'] as const;

/** An ISO 8601 timestamp (JSON of a Date: `2026-01-31T08:00:00.000Z`). */
export const timestamp = z.iso.datetime({ offset: true });
const id = z.string();

export const Locale = z.enum(LOCALE_VALUES).meta({ id: 'Locale' });
export const Labels = z
  .strictObject({ 'zh-CN': z.string(), 'en-US': z.string() })
  .meta({ id: 'Labels', description: 'A text in every supported language' });

// --- errors ---

export const ErrorBody = z
  .strictObject({
    error: z.strictObject({
      code: z.enum([
        'validation_failed',
        'bad_request',
        'unauthorized',
        'forbidden',
        'not_found',
        'conflict',
        'locked',
        'payload_too_large',
        'rate_limited',
        'internal',
      ]),
      key: z.string().describe('The specific reason (session_expired, version_conflict …)'),
      message: z.string().describe('In the request language'),
      details: z.array(
        z.strictObject({
          field: z.string(),
          issue: z.string().describe('In the request language'),
          code: z.string().describe('Machine-readable issue key'),
        }),
      ),
    }),
  })
  .meta({ id: 'ErrorBody' });

// --- values and records ---

export const Money = z.strictObject({ amount: z.number(), currency: z.string() }).meta({ id: 'Money' });

export const FieldValue = z
  .union([z.string(), z.number(), z.boolean(), z.array(z.string()), Money, z.null()])
  .meta({
    id: 'FieldValue',
    description: 'text, number, boolean, multi-select values, money (amount in fen) or null',
  });

export const ExpandRef = z
  .strictObject({ id, name: z.string().nullable().optional(), email: z.string().optional() })
  .meta({ id: 'ExpandRef' });

export const RecordData = z
  .object({
    id,
    version: z.number().int(),
    _expand: z
      .record(z.string(), ExpandRef.nullable())
      .optional()
      .describe('Names of the lookup/user fields asked for with `expand`'),
  })
  .catchall(z.union([FieldValue, z.record(z.string(), ExpandRef.nullable())]))
  .meta({
    id: 'RecordData',
    description:
      'Field api names to values (see GET /api/v1/metadata/objects/{object}); custom fields end in __c',
  });

export const ListResponse = z
  .strictObject({
    data: z.array(RecordData),
    next_cursor: z.string().nullable(),
    total: z.number().int().optional().describe('With count=true'),
  })
  .meta({ id: 'ListResponse' });

export const AggregateGroup = z
  .strictObject({
    value: FieldValue,
    count: z.number().int(),
    sums: z
      .record(z.string(), z.union([z.number(), z.array(Money)]))
      .describe('number/percent fields: a number; currency fields: one entry per currency'),
  })
  .meta({ id: 'AggregateGroup' });

// --- metadata ---

export const FieldOption = z
  .strictObject({ value: z.string(), label: Labels, color: z.string().optional() })
  .meta({ id: 'FieldOption' });

export const FieldMeta = z
  .strictObject({
    api_name: z.string(),
    type: z.enum(FIELD_TYPES),
    label: Labels,
    required: z.boolean(),
    unique: z.boolean(),
    is_custom: z.boolean(),
    system: z.boolean(),
    read_only: z.boolean(),
    list_default: z.boolean(),
    options: z.array(FieldOption).optional(),
    lookup: z.string().optional().describe('Target object of a lookup field'),
    default: z.unknown().optional(),
    max_length: z.number().int().optional(),
    min: z.number().optional(),
    max: z.number().optional(),
  })
  .meta({ id: 'FieldMeta' });

export const ObjectMeta = z
  .strictObject({
    api_name: z.string(),
    label: Labels,
    plural_label: Labels,
    is_custom: z.boolean(),
    module: z.string(),
    name_field: z.string(),
    search_fields: z.array(z.string()),
    fields: z.array(FieldMeta),
  })
  .meta({ id: 'ObjectMeta' });

// --- identity ---

export const ObjectPermission = z
  .strictObject({
    create: z.boolean(),
    read: z.boolean(),
    update: z.boolean(),
    delete: z.boolean(),
    import: z.boolean(),
    export: z.boolean(),
    scope: z.enum(SCOPES),
  })
  .meta({ id: 'ObjectPermission' });

export const RolePermissions = z
  .strictObject({
    objects: z.record(z.string(), ObjectPermission),
    fields: z.record(z.string(), z.record(z.string(), z.enum(['hidden', 'read']))),
  })
  .meta({ id: 'RolePermissions' });

export const User = z
  .strictObject({
    id,
    email: z.string(),
    name: z.string(),
    role_id: id,
    role_key: z.string(),
    department_id: id.nullable(),
    partner_account_id: id
      .nullable()
      .describe('the channel partner (an account of type partner) the user works for'),
    status: z.enum(['active', 'disabled']),
    locale: Locale.nullable(),
    totp_enabled: z.boolean(),
    locked_until: timestamp.nullable(),
    created_at: timestamp,
  })
  .meta({ id: 'User' });

export const Tenant = z
  .strictObject({
    id,
    slug: z.string(),
    name: z.string(),
    time_zone: z.string(),
    currency: z.string(),
    locale: Locale,
  })
  .meta({ id: 'Tenant' });

export const Me = z
  .strictObject({
    user: User.nullable().describe('null for an API key created without a user'),
    tenant: Tenant,
    role: z.strictObject({
      id,
      key: z.string(),
      is_admin: z.boolean(),
      permissions: RolePermissions,
    }),
    locale: Locale,
    via: z.enum(['session', 'api_key']),
  })
  .meta({ id: 'Me' });

export const LoginResult = z
  .strictObject({
    csrf_token: z.string(),
    expires_at: timestamp,
    user_id: id,
    tenant_id: id,
  })
  .meta({ id: 'LoginResult' });

export const DirectoryUser = z
  .strictObject({ id, name: z.string(), email: z.string(), department_id: id.nullable() })
  .meta({ id: 'DirectoryUser' });

export const Department = z
  .strictObject({ id, name: z.string(), parent_id: id.nullable() })
  .meta({ id: 'Department' });

export const Role = z
  .strictObject({
    id,
    key: z.string(),
    name: Labels,
    is_admin: z.boolean(),
    permissions: RolePermissions,
    version: z.number().int(),
  })
  .meta({ id: 'Role' });

export const ApiKey = z
  .strictObject({
    id,
    name: z.string(),
    prefix: z.string(),
    role: z.string(),
    created_at: timestamp,
    last_used_at: timestamp.nullable(),
    revoked_at: timestamp.nullable(),
  })
  .meta({ id: 'ApiKey' });

export const SmtpSettings = z
  .strictObject({
    host: z.string(),
    port: z.number().int(),
    secure: z.boolean().optional(),
    user: z.string().nullable().optional(),
    from: z.string(),
    password_set: z.boolean(),
  })
  .meta({ id: 'SmtpSettings', description: 'Never the password, only whether one is stored' });

export const TenantSettings = z
  .strictObject({
    time_zone: z.string(),
    currency: z.string(),
    locale: Locale,
    security: z.strictObject({
      lockout_threshold: z.number().int(),
      lockout_minutes: z.number().int(),
      session_idle_minutes: z.number().int().nullable(),
      session_absolute_hours: z.number().int().nullable(),
    }),
    smtp: SmtpSettings.nullable(),
  })
  .meta({ id: 'TenantSettings' });

export const LoginLogEntry = z
  .strictObject({
    id,
    user_id: id.nullable(),
    email: z.string(),
    at: timestamp,
    ip: z.string().nullable(),
    user_agent: z.string().nullable(),
    result: z.string(),
  })
  .meta({ id: 'LoginLogEntry' });

export const MailOutboxEntry = z
  .strictObject({
    id,
    to_address: z.string(),
    subject: z.string(),
    body: z.string(),
    status: z.string(),
    error: z.string().nullable(),
    created_at: timestamp,
    sent_at: timestamp.nullable(),
  })
  .meta({ id: 'MailOutboxEntry' });

// --- search, views, notifications, audit ---

export const SearchGroup = z
  .strictObject({
    object: z.string(),
    label: Labels,
    hits: z.array(
      z.strictObject({
        id,
        title: z.string().nullable(),
        fields: z.record(z.string(), FieldValue),
      }),
    ),
  })
  .meta({ id: 'SearchGroup' });

export const SavedViewConfig = z
  .strictObject({
    columns: z.array(z.string()),
    filter: z.array(z.unknown()).describe('Conditions in the POST …/query filter grammar'),
    sort: z.string(),
    layout: z.string().describe("'table' or 'kanban:<select field>'"),
    page_size: z.number().int(),
  })
  .meta({ id: 'SavedViewConfig' });

export const SavedView = z
  .strictObject({
    id,
    object: z.string(),
    name: z.string(),
    owner_id: id,
    shared: z.boolean(),
    config: SavedViewConfig,
    version: z.number().int(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'SavedView' });

export const NotificationItem = z
  .strictObject({
    id,
    kind: z.string(),
    title: z.string(),
    body: z.string().nullable(),
    link: z.string().nullable(),
    created_at: timestamp,
    read_at: timestamp.nullable(),
  })
  .meta({ id: 'NotificationItem' });

export const AuditEntry = z
  .strictObject({
    id,
    at: timestamp,
    actor_user_id: id.nullable(),
    actor_name: z.string().nullable(),
    actor_api_key_id: id.nullable(),
    action: z.string(),
    object: z.string(),
    record_id: id.nullable(),
    changes: z.record(
      z.string(),
      z.strictObject({
        old: z.unknown().describe('A field value (record history) or a settings snapshot (admin log)'),
        new: z.unknown(),
        redacted: z.boolean().optional().describe('The field is hidden from the caller'),
      }),
    ),
  })
  .meta({ id: 'AuditEntry' });

// --- jobs ---

export const JobRun = z
  .strictObject({
    id,
    job: z.string(),
    as_of: z.string().describe('YYYY-MM-DD'),
    trigger: z.string(),
    started_at: timestamp,
    finished_at: timestamp.nullable(),
    status: z.string(),
    result: z.unknown(),
    error: z.string().nullable(),
  })
  .meta({ id: 'JobRun' });

export const Job = z
  .strictObject({
    name: z.string(),
    schedule: z.string().nullable(),
    description: z.union([Labels, z.string()]),
    last_run: JobRun.nullable(),
  })
  .meta({ id: 'Job' });

// --- webhooks ---

export const Webhook = z
  .strictObject({
    id,
    url: z.string(),
    event_types: z.array(z.string()),
    active: z.boolean(),
    description: z.string().nullable(),
    created_at: timestamp,
  })
  .meta({ id: 'Webhook' });

export const WebhookDelivery = z
  .strictObject({
    id,
    event_id: id,
    event_type: z.string(),
    status: z.string(),
    attempts: z.number().int(),
    next_attempt_at: timestamp.nullable(),
    last_status_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
    created_at: timestamp,
    delivered_at: timestamp.nullable(),
  })
  .meta({ id: 'WebhookDelivery' });

// --- import ---

export const ImportJob = z
  .strictObject({
    id,
    object: z.string(),
    file_name: z.string(),
    format: z.string(),
    headers: z.array(z.string()),
    mapping: z.record(z.string(), z.string()).describe('File column → field api name'),
    policy: z.enum(['skip', 'update', 'create']),
    match_field: z.string().nullable(),
    status: z.string(),
    total_rows: z.number().int().nullable(),
    processed_rows: z.number().int(),
    created_rows: z.number().int(),
    updated_rows: z.number().int(),
    skipped_rows: z.number().int(),
    failed_rows: z.number().int(),
    errors: z.array(
      z.strictObject({
        row: z.number().int(),
        field: z.string(),
        column: z.string().nullable(),
        issue: z.string(),
      }),
    ),
    has_failed_file: z.boolean(),
    created_at: timestamp,
    finished_at: timestamp.nullable(),
  })
  .meta({ id: 'ImportJob' });

// --- helpers for route options ---

/** `{ data: T }`, the envelope of every single-resource answer. */
export const dataOf = <T extends z.ZodType>(schema: T) => z.strictObject({ data: schema });
/** `{ data: T[] }` */
export const listOf = <T extends z.ZodType>(schema: T) => z.strictObject({ data: z.array(schema) });

/**
 * Route `schema.response`: the success schemas plus the shared error body for 4xx.
 *
 * Typed as a plain record on purpose: handlers return service results (`Record<string, unknown>`
 * rows, Dates) that the type provider would otherwise check against the schemas' output types.
 * The schemas describe the JSON on the wire; the conformance test checks them.
 */
export function responses(ok: Record<number, z.ZodType>): Record<string, unknown> {
  return { ...ok, '4xx': ErrorBody };
}

/** A 204 answer: no body (documented as a response without content). */
export const noContent = z.undefined().describe('No content');
