-- Marketing → leads (DOMAIN.md §1). Record tables follow the platform's shape (tenant_id first,
-- system columns, `custom` jsonb); the rest is the module's own state.

create table campaign (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  owner_id uuid,
  created_by uuid,
  updated_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version int not null default 1,
  deleted_at timestamptz,
  custom jsonb not null default '{}',
  name text not null,
  type text,
  status text,
  start_date date,
  end_date date,
  budget bigint,
  budget_currency char(3),
  actual_cost bigint,
  actual_cost_currency char(3),
  description text,
  primary key (tenant_id, id),
  foreign key (tenant_id, owner_id) references app_user(tenant_id, id)
);
create index campaign_owner_idx on campaign (tenant_id, owner_id);
create index campaign_custom_idx on campaign using gin (custom jsonb_path_ops);

create table lead_pool (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  owner_id uuid,
  created_by uuid,
  updated_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version int not null default 1,
  deleted_at timestamptz,
  custom jsonb not null default '{}',
  name text not null,
  description text,
  visibility text,
  claim_cap numeric,
  default_assignee uuid,
  unassigned_alert_hours numeric,
  first_followup_days numeric,
  convert_days numeric,
  primary key (tenant_id, id),
  foreign key (tenant_id, owner_id) references app_user(tenant_id, id),
  foreign key (tenant_id, default_assignee) references app_user(tenant_id, id)
);
create index lead_pool_custom_idx on lead_pool using gin (custom jsonb_path_ops);

create table lead_pool_member (
  tenant_id uuid not null references tenant(id),
  pool_id uuid not null,
  user_id uuid not null,
  role text not null default 'member' check (role in ('member', 'admin')),
  primary key (tenant_id, pool_id, user_id),
  foreign key (tenant_id, pool_id) references lead_pool(tenant_id, id) on delete cascade,
  foreign key (tenant_id, user_id) references app_user(tenant_id, id)
);

create table lead (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  owner_id uuid,
  created_by uuid,
  updated_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version int not null default 1,
  deleted_at timestamptz,
  custom jsonb not null default '{}',
  name text not null,
  mobile text,
  phone text,
  email text,
  company text,
  company_norm text,
  title text,
  industry text,
  province text,
  city text,
  company_size text,
  status text,
  invalid_reason text,
  source text,
  campaign_id uuid,
  utm_source text,
  utm_medium text,
  utm_campaign text,
  utm_term text,
  utm_content text,
  landing_page text,
  referrer text,
  score numeric,
  pool_id uuid,
  assigned_at timestamptz,
  first_followed_at timestamptz,
  last_followed_at timestamptz,
  recycle_count numeric,
  touch_count numeric,
  duplicate_of uuid,
  primary key (tenant_id, id),
  foreign key (tenant_id, owner_id) references app_user(tenant_id, id),
  foreign key (tenant_id, campaign_id) references campaign(tenant_id, id),
  foreign key (tenant_id, pool_id) references lead_pool(tenant_id, id),
  foreign key (tenant_id, duplicate_of) references lead(tenant_id, id)
);
create index lead_owner_idx on lead (tenant_id, owner_id, status);
create index lead_pool_idx on lead (tenant_id, pool_id, status);
create index lead_created_idx on lead (tenant_id, created_at);
create index lead_mobile_idx on lead (tenant_id, mobile);
create index lead_email_idx on lead (tenant_id, email);
-- fastupdate off: every capture searches this index right after inserts, and a GIN pending
-- list would be scanned on each search (measured: 26 ms per capture at 20,000 leads).
create index lead_company_trgm_idx on lead using gin (company_norm gin_trgm_ops) with (fastupdate = off);
create index lead_custom_idx on lead using gin (custom jsonb_path_ops);

create table campaign_member (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  owner_id uuid,
  created_by uuid,
  updated_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version int not null default 1,
  deleted_at timestamptz,
  custom jsonb not null default '{}',
  name text not null,
  campaign_id uuid not null,
  lead_id uuid,
  contact_id uuid,
  status text,
  primary key (tenant_id, id),
  foreign key (tenant_id, owner_id) references app_user(tenant_id, id),
  foreign key (tenant_id, campaign_id) references campaign(tenant_id, id),
  foreign key (tenant_id, lead_id) references lead(tenant_id, id),
  foreign key (tenant_id, contact_id) references contact(tenant_id, id)
);
create index campaign_member_campaign_idx on campaign_member (tenant_id, campaign_id);
create index campaign_member_lead_idx on campaign_member (tenant_id, lead_id);

-- Every capture of a lead (first and repeated), with its attribution.
create table lead_touch (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  lead_id uuid not null,
  at timestamptz not null default now(),
  channel text not null,
  campaign_id uuid,
  form_id uuid,
  attribution jsonb not null default '{}',
  submitted jsonb not null default '{}',
  primary key (tenant_id, id),
  foreign key (tenant_id, lead_id) references lead(tenant_id, id)
);
create index lead_touch_lead_idx on lead_touch (tenant_id, lead_id, at);

-- Every move of a lead (assign, claim, return, recycle, transfer, status), with its reason.
create table lead_event (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  lead_id uuid not null,
  at timestamptz not null default now(),
  kind text not null,
  actor_user_id uuid,
  from_owner uuid,
  to_owner uuid,
  from_pool uuid,
  to_pool uuid,
  reason text,
  primary key (tenant_id, id),
  foreign key (tenant_id, lead_id) references lead(tenant_id, id)
);
create index lead_event_lead_idx on lead_event (tenant_id, lead_id, at);
create index lead_event_kind_idx on lead_event (tenant_id, kind, at);

-- Round-robin position per assignment rule.
create table lead_assign_state (
  tenant_id uuid not null references tenant(id),
  rule_id text not null,
  last_user_id uuid,
  primary key (tenant_id, rule_id)
);

create table lead_form (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  form_key text not null,
  name text not null,
  pool_id uuid,
  campaign_id uuid,
  source text not null default 'web_form',
  allowed_origins text[] not null default '{}',
  thank_you jsonb not null default '{}',
  active boolean not null default true,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, form_key),
  foreign key (tenant_id, pool_id) references lead_pool(tenant_id, id),
  foreign key (tenant_id, campaign_id) references campaign(tenant_id, id)
);
