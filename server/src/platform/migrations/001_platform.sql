-- Platform core. Global tables (allow-listed in the tenancy catalog test): tenant, schema_migration.
-- Every other table: tenant_id first, primary key (tenant_id, id), unique and foreign keys carry tenant_id.
create extension if not exists pg_trgm;

create table tenant (
  id uuid primary key,
  slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,39}$'),
  name text not null,
  time_zone text not null default 'Asia/Shanghai',
  currency char(3) not null default 'CNY',
  locale text not null default 'zh-CN',
  settings jsonb not null default '{}',
  created_at timestamptz not null default now()
);

create table department (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  name text not null,
  parent_id uuid,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, parent_id) references department(tenant_id, id)
);

create table role (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  key text not null check (key ~ '^[a-z][a-z0-9_]{0,39}$'),
  name jsonb not null,
  is_admin boolean not null default false,
  permissions jsonb not null default '{"objects":{},"fields":{}}',
  version int not null default 1,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, key)
);

create table app_user (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  email text not null,
  name text not null,
  password_hash text,
  role_id uuid not null,
  department_id uuid,
  locale text,
  status text not null default 'active' check (status in ('active', 'disabled')),
  failed_logins int not null default 0,
  locked_until timestamptz,
  totp_secret text,
  totp_enabled boolean not null default false,
  -- last accepted TOTP time step: a code is good once
  totp_last_step bigint,
  recovery_codes jsonb not null default '[]',
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, email),
  foreign key (tenant_id, role_id) references role(tenant_id, id),
  foreign key (tenant_id, department_id) references department(tenant_id, id)
);
create index app_user_email_idx on app_user (email);
create index app_user_department_idx on app_user (tenant_id, department_id);

create table session (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  user_id uuid not null,
  token_hash text not null,
  csrf_token text not null,
  ip text,
  user_agent text,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  primary key (tenant_id, id),
  foreign key (tenant_id, user_id) references app_user(tenant_id, id)
);
create index session_user_idx on session (tenant_id, user_id);

create table login_log (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  user_id uuid,
  email text not null,
  at timestamptz not null default now(),
  ip text,
  user_agent text,
  result text not null,
  primary key (tenant_id, id),
  foreign key (tenant_id, user_id) references app_user(tenant_id, id)
);
create index login_log_at_idx on login_log (tenant_id, at desc);

create table api_key (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  name text not null,
  role_id uuid not null,
  key_hash text not null,
  prefix text not null,
  created_by uuid,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz,
  primary key (tenant_id, id),
  foreign key (tenant_id, role_id) references role(tenant_id, id),
  foreign key (tenant_id, created_by) references app_user(tenant_id, id)
);

-- Custom objects and custom fields defined by tenant admins (standard ones live in code).
create table object_def (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  api_name text not null check (api_name ~ '^[a-z][a-z0-9_]{0,40}__c$'),
  label jsonb not null,
  plural_label jsonb,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, api_name)
);

create table field_def (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  object text not null,
  api_name text not null check (api_name ~ '^[a-z][a-z0-9_]{0,40}__c$'),
  type text not null,
  label jsonb not null,
  required boolean not null default false,
  is_unique boolean not null default false,
  default_value jsonb,
  options jsonb,
  lookup text,
  validation jsonb,
  position int not null default 0,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, object, api_name)
);

-- Records of custom objects: a name column plus every field in `custom`.
create table custom_record (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  object text not null,
  name text not null,
  owner_id uuid,
  created_by uuid,
  updated_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version int not null default 1,
  deleted_at timestamptz,
  custom jsonb not null default '{}',
  primary key (tenant_id, id),
  foreign key (tenant_id, owner_id) references app_user(tenant_id, id)
);
create index custom_record_object_idx on custom_record (tenant_id, object, created_at);
create index custom_record_custom_idx on custom_record using gin (custom jsonb_path_ops);

create table audit_log (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  at timestamptz not null default now(),
  actor_user_id uuid,
  actor_api_key_id uuid,
  action text not null,
  object text not null,
  record_id uuid,
  changes jsonb not null default '{}',
  meta jsonb not null default '{}',
  primary key (tenant_id, id)
);
create index audit_log_record_idx on audit_log (tenant_id, object, record_id, at desc);

create table outbox_event (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  seq bigserial not null,
  type text not null,
  object text,
  record_id uuid,
  actor_user_id uuid,
  payload jsonb not null,
  created_at timestamptz not null default now(),
  dispatched_at timestamptz,
  attempts int not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text,
  primary key (tenant_id, id)
);
create index outbox_pending_idx on outbox_event (seq) where dispatched_at is null;

-- Which subscriber already handled which event: redelivery after a crash is then a no-op.
create table event_receipt (
  tenant_id uuid not null references tenant(id),
  event_id uuid not null,
  subscriber text not null,
  handled_at timestamptz not null default now(),
  primary key (tenant_id, event_id, subscriber)
);

create table webhook (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  url text not null,
  event_types text[] not null,
  secret text not null,
  active boolean not null default true,
  description text,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);

create table webhook_delivery (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  webhook_id uuid not null,
  event_id uuid not null,
  event_type text not null,
  payload jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'succeeded', 'failed')),
  attempts int not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_status_code int,
  last_error text,
  created_at timestamptz not null default now(),
  delivered_at timestamptz,
  primary key (tenant_id, id),
  unique (tenant_id, webhook_id, event_id),
  foreign key (tenant_id, webhook_id) references webhook(tenant_id, id) on delete cascade
);
create index webhook_delivery_due_idx on webhook_delivery (next_attempt_at) where status = 'pending';

create table job_run (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  job text not null,
  as_of date not null,
  trigger text not null,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  status text not null default 'running',
  result jsonb,
  error text,
  primary key (tenant_id, id)
);
create index job_run_job_idx on job_run (tenant_id, job, started_at desc);

create table notification (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  user_id uuid not null,
  kind text not null,
  title text not null,
  body text,
  link text,
  created_at timestamptz not null default now(),
  read_at timestamptz,
  primary key (tenant_id, id),
  foreign key (tenant_id, user_id) references app_user(tenant_id, id)
);
create index notification_user_idx on notification (tenant_id, user_id, created_at desc);

create table mail_outbox (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  to_address text not null,
  subject text not null,
  body text not null,
  status text not null default 'queued' check (status in ('queued', 'sent', 'failed', 'stored')),
  error text,
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  primary key (tenant_id, id)
);

create table import_job (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  object text not null,
  file_name text not null,
  file_path text not null,
  format text not null,
  headers jsonb not null default '[]',
  mapping jsonb not null default '{}',
  policy text not null default 'create' check (policy in ('skip', 'update', 'create')),
  match_field text,
  status text not null default 'uploaded',
  total_rows int,
  processed_rows int not null default 0,
  created_rows int not null default 0,
  updated_rows int not null default 0,
  skipped_rows int not null default 0,
  failed_rows int not null default 0,
  errors jsonb not null default '[]',
  failed_file_path text,
  -- touched with every committed chunk; a running import whose heartbeat stops is resumed elsewhere
  heartbeat_at timestamptz,
  -- the process run that owns a running import; a chunk only commits while it still does
  run_token uuid,
  created_by uuid,
  created_at timestamptz not null default now(),
  finished_at timestamptz,
  primary key (tenant_id, id)
);
