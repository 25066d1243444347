// Response shapes. The server's OpenAPI document declares request schemas only (see
// schema.d.ts), so responses are described here from docs/API.md.
import type { paths } from './schema';

export type Locale = 'zh-CN' | 'en-US';
export type Localized = Partial<Record<Locale, string>>;

export type JsonBody<P extends keyof paths, M extends 'post' | 'patch' | 'put'> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

export type LoginBody = JsonBody<'/api/v1/auth/login', 'post'>;
export type BulkBody = JsonBody<'/api/v1/objects/{object}/bulk', 'post'>;
export type ViewCreateBody = JsonBody<'/api/v1/views', 'post'>;
export type ViewPatchBody = JsonBody<'/api/v1/views/{id}', 'patch'>;
export type MePatchBody = JsonBody<'/api/v1/me', 'patch'>;

export type ObjectPermission = {
  create?: boolean;
  read?: boolean;
  update?: boolean;
  delete?: boolean;
  import?: boolean;
  export?: boolean;
  scope?: string;
};

export interface Me {
  user: { id: string; email: string; name: string; role_key: string; locale: Locale | null };
  tenant: { id: string; slug: string; name: string; time_zone: string; currency: string; locale: Locale };
  role: {
    key: string;
    is_admin: boolean;
    permissions: {
      objects: Record<string, ObjectPermission | undefined>;
      fields: Record<string, Record<string, 'hidden' | 'read'> | undefined>;
    };
  };
  locale: Locale;
}

export type FieldType =
  | 'text'
  | 'long_text'
  | 'email'
  | 'phone'
  | 'url'
  | 'number'
  | 'percent'
  | 'currency'
  | 'date'
  | 'datetime'
  | 'boolean'
  | 'select'
  | 'multi_select'
  | 'lookup'
  | 'user';

export interface FieldOption {
  value: string;
  label: Localized;
  color?: string;
}

export interface FieldMeta {
  api_name: string;
  type: FieldType;
  label: Localized;
  required: boolean;
  unique: boolean;
  is_custom: boolean;
  system: boolean;
  read_only: boolean;
  options?: FieldOption[];
  lookup?: string;
  max_length?: number;
  min?: number;
  max?: number;
}

export interface ObjectMeta {
  api_name: string;
  label: Localized;
  plural_label: Localized;
  is_custom: boolean;
  module: string;
  name_field: string;
  search_fields: string[];
  fields: FieldMeta[];
}

export interface Money {
  amount: number;
  currency: string;
}

export type FieldValue = string | number | boolean | string[] | Money | null;

export interface ExpandRef {
  id: string;
  name?: string | null;
  email?: string;
}

export interface RecordData {
  id: string;
  version: number;
  [field: string]: FieldValue | Record<string, ExpandRef | null> | undefined;
  _expand?: Record<string, ExpandRef | null>;
}

export interface ListResponse {
  data: RecordData[];
  next_cursor: string | null;
  total?: number;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor_name: string | null;
  action: string;
  changes: Record<string, { old: FieldValue; new: FieldValue; redacted?: boolean }> | null;
}

export interface SearchGroup {
  object: string;
  label: Localized;
  hits: { id: string; title: string | null; fields: Record<string, FieldValue> }[];
}

export interface NotificationItem {
  id: string;
  kind: string;
  title: string;
  body: string | null;
  link: string | null;
  created_at: string;
  read_at: string | null;
}

export interface ViewConfig {
  columns?: string[];
  filter?: FilterCondition[];
  sort?: string;
  layout?: string;
  page_size?: number;
}

export interface SavedView {
  id: string;
  object: string;
  name: string;
  owner_id: string;
  shared: boolean;
  config: ViewConfig;
  version: number;
}

export type FilterOp =
  | 'eq'
  | 'ne'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'in'
  | 'nin'
  | 'between'
  | 'contains'
  | 'starts_with'
  | 'is_null';

export interface FilterCondition {
  field: string;
  op: FilterOp;
  /** Already in the server's filter value format (fen for money, option values, ISO dates). */
  value: string;
  /** How the value reads to a person (option labels, yuan, record names). */
  display?: string;
}

export interface AggregateGroup {
  value: FieldValue;
  count: number;
  /** Currency sums: one entry per currency; number/percent sums: a number. */
  sums: Record<string, Money[] | number | undefined>;
}
