-- Opportunities, pipelines and stages, stage history (DOMAIN.md §3).

-- Pipelines and their stages are tenant settings; opportunities point at (pipeline, stage key),
-- so a stage that holds records cannot be deleted (the foreign key refuses).
create table sales_pipeline (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  name jsonb not null,
  -- new business / upsell / renewal: the default pipeline for opportunities of that type
  type text not null default 'new' check (type in ('new', 'upsell', 'renewal')),
  position int not null default 0,
  is_default boolean not null default false,
  no_skip boolean not null default false,
  no_back boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id)
);

create table sales_stage (
  tenant_id uuid not null references tenant(id),
  pipeline_id uuid not null,
  key text not null,
  name jsonb not null,
  position int not null,
  type text not null check (type in ('active', 'won', 'lost', 'invalid')),
  probability int not null check (probability between 0 and 100),
  forecast_category text not null check (forecast_category in ('pipeline', 'best_case', 'commit', 'closed', 'omitted')),
  max_days int check (max_days > 0),
  required_fields text[] not null default '{}',
  required_activities text[] not null default '{}',
  allow_create boolean not null default false,
  primary key (tenant_id, pipeline_id, key),
  foreign key (tenant_id, pipeline_id) references sales_pipeline(tenant_id, id) on delete cascade
);

create table opportunity (
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
  account_id uuid not null,
  pipeline_id uuid not null,
  stage text not null,
  amount bigint,
  amount_currency char(3),
  close_date date,
  probability numeric,
  forecast_category text,
  type text,
  competitor text,
  close_reason text,
  close_note text,
  closed_at timestamptz,
  stage_entered_at timestamptz not null default now(),
  last_followed_at timestamptz,
  -- renewal deals: the subscription end they renew (the subscriptions module fills it)
  renewal_due_on date,
  description text,
  source text,
  campaign_id uuid,
  utm_source text,
  utm_medium text,
  utm_campaign text,
  utm_term text,
  utm_content text,
  lead_id uuid,
  primary key (tenant_id, id),
  foreign key (tenant_id, owner_id) references app_user(tenant_id, id),
  foreign key (tenant_id, account_id) references account(tenant_id, id),
  foreign key (tenant_id, pipeline_id, stage) references sales_stage(tenant_id, pipeline_id, key) on update cascade,
  foreign key (tenant_id, campaign_id) references campaign(tenant_id, id),
  foreign key (tenant_id, lead_id) references lead(tenant_id, id) on delete set null (lead_id)
);
create index opportunity_owner_idx on opportunity (tenant_id, owner_id, stage);
create index opportunity_account_idx on opportunity (tenant_id, account_id);
create index opportunity_stage_idx on opportunity (tenant_id, pipeline_id, stage);
create index opportunity_close_idx on opportunity (tenant_id, close_date);
create index opportunity_campaign_idx on opportunity (tenant_id, campaign_id);
create index opportunity_custom_idx on opportunity using gin (custom jsonb_path_ops);

-- Contacts on a deal with their role in it (decision maker, champion …).
create table opportunity_contact (
  tenant_id uuid not null references tenant(id),
  opportunity_id uuid not null,
  contact_id uuid not null,
  role text,
  primary key (tenant_id, opportunity_id, contact_id),
  foreign key (tenant_id, opportunity_id) references opportunity(tenant_id, id),
  foreign key (tenant_id, contact_id) references contact(tenant_id, id)
);
create index opportunity_contact_contact_idx on opportunity_contact (tenant_id, contact_id);

create table opportunity_team_member (
  tenant_id uuid not null references tenant(id),
  opportunity_id uuid not null,
  user_id uuid not null,
  role text not null default 'member',
  primary key (tenant_id, opportunity_id, user_id),
  foreign key (tenant_id, opportunity_id) references opportunity(tenant_id, id),
  foreign key (tenant_id, user_id) references app_user(tenant_id, id)
);
create index opportunity_team_member_user_idx on opportunity_team_member (tenant_id, user_id);

-- Optional product lines; the quote module will extend them.
create table opportunity_line (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  opportunity_id uuid not null,
  position int not null default 0,
  product text not null,
  quantity numeric not null default 1,
  unit_price bigint not null default 0,
  currency char(3) not null,
  amount bigint not null default 0,
  primary key (tenant_id, id),
  foreign key (tenant_id, opportunity_id) references opportunity(tenant_id, id)
);
create index opportunity_line_opportunity_idx on opportunity_line (tenant_id, opportunity_id, position);

-- Each stay of a deal in a stage: entered/left, by whom, and whether gating was bypassed.
create table opportunity_stage_history (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  opportunity_id uuid not null,
  pipeline_id uuid not null,
  stage text not null,
  entered_at timestamptz not null,
  entered_by uuid,
  left_at timestamptz,
  left_by uuid,
  amount bigint,
  bypassed boolean not null default false,
  primary key (tenant_id, id),
  foreign key (tenant_id, opportunity_id) references opportunity(tenant_id, id)
);
create index opportunity_stage_history_opp_idx on opportunity_stage_history (tenant_id, opportunity_id, entered_at);
create index opportunity_stage_history_stage_idx on opportunity_stage_history (tenant_id, pipeline_id, stage, entered_at);
