// Administration endpoints (docs/API.md section 7); admin role only, others get 403.
import { useQuery } from '@tanstack/react-query';
import { apiFetch } from './http-client';
import type { FieldType, Localized, ObjectMeta, ObjectPermission } from './types';

const enc = encodeURIComponent;

export type UserStatus = 'active' | 'disabled';

export interface AdminUser {
  id: string;
  email: string;
  name: string;
  role_id: string;
  role_key: string;
  department_id: string | null;
  partner_account_id: string | null;
  status: string;
  locale: string | null;
  totp_enabled: boolean;
  locked_until: string | null;
  created_at: string;
}

export interface Department {
  id: string;
  name: string;
  parent_id: string | null;
}

export type FieldRule = 'hidden' | 'read';

export interface RolePermissions {
  objects: Record<string, ObjectPermission | undefined>;
  fields: Record<string, Record<string, FieldRule> | undefined>;
}

export interface Role {
  id: string;
  key: string;
  name: Localized;
  is_admin: boolean;
  permissions: RolePermissions;
  version: number;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  role: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface JobRun {
  id: string;
  job: string;
  as_of: string;
  trigger: string;
  started_at: string;
  finished_at: string | null;
  status: string;
  result: unknown;
  error: string | null;
}

export interface Job {
  name: string;
  schedule: string;
  description: Localized | string;
  last_run: JobRun | null;
}

export interface UserCreateBody {
  email: string;
  name: string;
  password: string;
  role: string;
  department_id?: string | null;
  partner_account_id?: string | null;
}

export interface UserPatchBody {
  name?: string;
  role?: string;
  department_id?: string | null;
  partner_account_id?: string | null;
  status?: UserStatus;
}

export interface RoleCreateBody {
  key: string;
  name: Localized;
  permissions: RolePermissions;
}

const data = <T>(p: Promise<{ data: T }>) => p.then((r) => r.data);

export const fetchUsers = () => data(apiFetch<{ data: AdminUser[] }>('/api/v1/admin/users'));
export const createUser = (body: UserCreateBody) =>
  data(apiFetch<{ data: AdminUser }>('/api/v1/admin/users', { method: 'POST', body }));
export const patchUser = (id: string, body: UserPatchBody) =>
  data(apiFetch<{ data: AdminUser }>(`/api/v1/admin/users/${enc(id)}`, { method: 'PATCH', body }));
export const unlockUser = (id: string) =>
  apiFetch<void>(`/api/v1/admin/users/${enc(id)}/unlock`, { method: 'POST' });

export const fetchDepartments = () => data(apiFetch<{ data: Department[] }>('/api/v1/departments'));
export const createDepartment = (body: { name: string; parent_id?: string | null }) =>
  data(apiFetch<{ data: Department }>('/api/v1/admin/departments', { method: 'POST', body }));
export const patchDepartment = (id: string, body: { name?: string; parent_id?: string | null }) =>
  data(apiFetch<{ data: Department }>(`/api/v1/admin/departments/${enc(id)}`, { method: 'PATCH', body }));

export const fetchRoles = () => data(apiFetch<{ data: Role[] }>('/api/v1/admin/roles'));
export const createRole = (body: RoleCreateBody) =>
  data(apiFetch<{ data: Role }>('/api/v1/admin/roles', { method: 'POST', body }));
export const patchRole = (id: string, body: { permissions: RolePermissions; version: number }) =>
  data(apiFetch<{ data: Role }>(`/api/v1/admin/roles/${enc(id)}`, { method: 'PATCH', body }));

export const fetchApiKeys = () => data(apiFetch<{ data: ApiKey[] }>('/api/v1/admin/api-keys'));
export const createApiKey = (body: { name: string; role: string }) =>
  data(
    apiFetch<{ data: { id: string; key: string; prefix: string } }>('/api/v1/admin/api-keys', {
      method: 'POST',
      body,
    }),
  );
export const revokeApiKey = (id: string) =>
  apiFetch<void>(`/api/v1/admin/api-keys/${enc(id)}`, { method: 'DELETE' });

export const fetchJobs = () => data(apiFetch<{ data: Job[] }>('/api/v1/admin/jobs'));
export const runJob = (job: string, asOf: string | undefined) =>
  data(
    apiFetch<{ data: JobRun }>(`/api/v1/admin/jobs/${enc(job)}/run`, {
      method: 'POST',
      body: asOf ? { as_of: asOf } : {},
    }),
  );

export const adminKeys = {
  users: ['admin', 'users'] as const,
  departments: ['departments'] as const,
  roles: ['admin', 'roles'] as const,
  apiKeys: ['admin', 'api-keys'] as const,
  jobs: ['admin', 'jobs'] as const,
};

export const useAdminUsers = () => useQuery({ queryKey: adminKeys.users, queryFn: fetchUsers });
export const useDepartments = () => useQuery({ queryKey: adminKeys.departments, queryFn: fetchDepartments });
export const useRoles = () => useQuery({ queryKey: adminKeys.roles, queryFn: fetchRoles });
export const useApiKeys = () => useQuery({ queryKey: adminKeys.apiKeys, queryFn: fetchApiKeys });
export const useJobs = () => useQuery({ queryKey: adminKeys.jobs, queryFn: fetchJobs });

export interface CustomFieldBody {
  api_name: string;
  type: FieldType;
  label: Localized;
  required?: boolean;
  unique?: boolean;
  indexed?: boolean;
  options?: { value: string; label: Localized }[];
  lookup?: string;
}

export interface CustomObjectBody {
  api_name: string;
  label: Localized;
  plural_label?: Localized;
}

export const createCustomField = (object: string, body: CustomFieldBody) =>
  data(
    apiFetch<{ data: ObjectMeta }>(`/api/v1/metadata/objects/${enc(object)}/fields`, {
      method: 'POST',
      body,
    }),
  );
export const createCustomObject = (body: CustomObjectBody) =>
  data(apiFetch<{ data: ObjectMeta }>('/api/v1/metadata/objects', { method: 'POST', body }));

export interface Webhook {
  id: string;
  url: string;
  event_types: string[];
  active: boolean;
  description: string | null;
  created_at: string;
}

export interface WebhookDelivery {
  id: string;
  event_id: string;
  event_type: string;
  status: string;
  attempts: number;
  next_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

export interface SecuritySettings {
  lockout_threshold: number;
  lockout_minutes: number;
  session_idle_minutes: number | null;
  session_absolute_hours: number | null;
}

export interface TenantSettings {
  time_zone: string;
  currency: string;
  locale: string;
  security: SecuritySettings;
  smtp: SmtpSettings | null;
}

/** SMTP settings as the server shows them: never the password, only whether one is stored. */
export interface SmtpSettings {
  host: string;
  port: number;
  secure?: boolean;
  user?: string | null;
  from: string;
  password_set: boolean;
}

/** PUT body: leave `password` out to keep the stored one; `''` or `null` removes it. */
export interface SmtpInput {
  host: string;
  port: number;
  secure?: boolean;
  user?: string;
  password?: string | null;
  from: string;
}

export interface MailOutboxEntry {
  id: string;
  to_address: string;
  subject: string;
  status: string;
  error: string | null;
  created_at: string;
  sent_at: string | null;
}

export const fetchWebhooks = () => data(apiFetch<{ data: Webhook[] }>('/api/v1/admin/webhooks'));
export const createWebhook = (body: { url: string; event_types: string[]; description?: string }) =>
  data(apiFetch<{ data: Webhook & { secret: string } }>('/api/v1/admin/webhooks', { method: 'POST', body }));
export const patchWebhook = (id: string, body: { active?: boolean; event_types?: string[] }) =>
  data(apiFetch<{ data: Webhook }>(`/api/v1/admin/webhooks/${enc(id)}`, { method: 'PATCH', body }));
export const fetchDeliveries = (id: string) =>
  data(apiFetch<{ data: WebhookDelivery[] }>(`/api/v1/admin/webhooks/${enc(id)}/deliveries`));
export const replayDelivery = (id: string, delivery: string) =>
  apiFetch<unknown>(`/api/v1/admin/webhooks/${enc(id)}/deliveries/${enc(delivery)}/replay`, {
    method: 'POST',
  });

export const fetchSettings = () => data(apiFetch<{ data: TenantSettings }>('/api/v1/admin/settings'));
export const putSecurity = (body: SecuritySettings) =>
  apiFetch<void>('/api/v1/admin/settings/security', { method: 'PUT', body });

export const useWebhooks = () => useQuery({ queryKey: ['admin', 'webhooks'], queryFn: fetchWebhooks });
export const useDeliveries = (id: string) =>
  useQuery({ queryKey: ['admin', 'webhooks', id, 'deliveries'], queryFn: () => fetchDeliveries(id) });
export const useTenantSettings = () => useQuery({ queryKey: ['admin', 'settings'], queryFn: fetchSettings });

export const resetUserPassword = (id: string, password: string) =>
  apiFetch<void>(`/api/v1/admin/users/${enc(id)}/reset-password`, { method: 'POST', body: { password } });

export interface ProfileBody {
  name: string;
  time_zone: string;
  currency: string;
  locale: 'zh-CN' | 'en-US';
}

export const putProfile = (body: ProfileBody) =>
  apiFetch<void>('/api/v1/admin/settings/profile', { method: 'PUT', body });

export interface LoginLogEntry {
  id: string;
  email: string;
  at: string;
  ip: string | null;
  user_agent: string | null;
  result: string;
}

export const fetchLoginLog = () =>
  data(apiFetch<{ data: LoginLogEntry[] }>('/api/v1/admin/login-log?limit=200'));
export const useLoginLog = () => useQuery({ queryKey: ['admin', 'login-log'], queryFn: fetchLoginLog });

export const fetchWebhookEventTypes = () =>
  data(apiFetch<{ data: string[] }>('/api/v1/admin/webhooks/event-types'));
export const useWebhookEventTypes = () =>
  useQuery({ queryKey: ['admin', 'webhooks', 'event-types'], queryFn: fetchWebhookEventTypes });

export const putSmtp = (body: SmtpInput | null) =>
  apiFetch<void>('/api/v1/admin/settings/smtp', { method: 'PUT', body });
export const fetchMailOutbox = () => data(apiFetch<{ data: MailOutboxEntry[] }>('/api/v1/admin/mail-outbox'));
export const useMailOutbox = () => useQuery({ queryKey: ['admin', 'mail-outbox'], queryFn: fetchMailOutbox });

export interface FieldPatchBody {
  label?: Localized;
  required?: boolean;
  options?: { value: string; label: Localized }[];
}

export const patchCustomField = (object: string, field: string, body: FieldPatchBody) =>
  data(
    apiFetch<{ data: ObjectMeta }>(`/api/v1/metadata/objects/${enc(object)}/fields/${enc(field)}`, {
      method: 'PATCH',
      body,
    }),
  );
export const patchCustomObject = (object: string, body: { label?: Localized; plural_label?: Localized }) =>
  data(apiFetch<{ data: ObjectMeta }>(`/api/v1/metadata/objects/${enc(object)}`, { method: 'PATCH', body }));
