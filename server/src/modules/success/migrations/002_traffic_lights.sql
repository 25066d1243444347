-- Traffic lights (红绿灯 / 按灯) and complaints (DOMAIN.md §6.4–§6.5, docs/ENGAGEMENT.md).

-- A red or yellow light raised on a customer: routed to a responsible person, owned by the CSM,
-- moved open → meeting_scheduled → action_plan → resolved → closed (reopen goes back to open).
create table traffic_light (
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
  account_id uuid not null,
  color text not null check (color in ('red', 'yellow')),
  reason text not null check (reason in ('bug_instability', 'product_gap', 'delivery_delayed', 'key_person_left',
    'price_budget', 'competitor', 'other')),
  subject text not null,
  description text not null default '',
  source text not null default 'manual' check (source in ('manual', 'survey', 'complaint')),
  -- filled by survey detractor lights; the survey tables come in a later migration (no FK on purpose)
  survey_response_id uuid,
  complaint_id uuid,
  status text not null default 'open'
    check (status in ('open', 'meeting_scheduled', 'action_plan', 'resolved', 'closed')),
  -- when the light was raised or last reopened: escalation ages count from here
  opened_at timestamptz not null default now(),
  reopened_count int not null default 0,
  meeting_at timestamptz,
  meeting_attendees jsonb not null default '[]',
  -- ids of the activity tasks of the action plan (tasks are made on the account)
  action_task_ids jsonb not null default '[]',
  responsible_id uuid,
  escalation_level int not null default 0 check (escalation_level between 0 and 3),
  priority text not null default 'normal' check (priority in ('normal', 'high', 'urgent')),
  escalated_at timestamptz,
  -- the tenant-calendar day of the last escalation: the daily job escalates a light once a day
  escalated_on date,
  root_cause text check (root_cause in ('defect', 'product_limitation', 'implementation', 'training_adoption',
    'service_response', 'communication', 'commercial', 'customer_change', 'competitor', 'other')),
  root_cause_note text,
  product_area text,
  resolved_at timestamptz,
  resolved_by uuid,
  closed_at timestamptz,
  closed_by uuid,
  primary key (tenant_id, id),
  check (status not in ('resolved', 'closed') or (root_cause is not null and coalesce(btrim(root_cause_note), '') <> '')),
  foreign key (tenant_id, owner_id) references app_user(tenant_id, id),
  foreign key (tenant_id, account_id) references account(tenant_id, id),
  foreign key (tenant_id, responsible_id) references app_user(tenant_id, id),
  foreign key (tenant_id, resolved_by) references app_user(tenant_id, id),
  foreign key (tenant_id, closed_by) references app_user(tenant_id, id)
);
create index traffic_light_account_idx on traffic_light (tenant_id, account_id, status);
create index traffic_light_status_idx on traffic_light (tenant_id, status) where deleted_at is null;
create index traffic_light_responsible_idx on traffic_light (tenant_id, responsible_id, status);
create index traffic_light_owner_idx on traffic_light (tenant_id, owner_id, status);
create index traffic_light_survey_idx on traffic_light (tenant_id, survey_response_id) where survey_response_id is not null;
create index traffic_light_custom_idx on traffic_light using gin (custom jsonb_path_ops);

-- A complaint on a customer (投诉): every one opens a red light, linked both ways.
create table complaint (
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
  account_id uuid not null,
  contact_id uuid,
  channel text not null check (channel in ('phone', 'email', 'wechat', 'meeting', 'other')),
  severity text not null default 'mid' check (severity in ('low', 'mid', 'high')),
  description text not null,
  light_id uuid,
  primary key (tenant_id, id),
  foreign key (tenant_id, owner_id) references app_user(tenant_id, id),
  foreign key (tenant_id, account_id) references account(tenant_id, id),
  foreign key (tenant_id, contact_id) references contact(tenant_id, id),
  foreign key (tenant_id, light_id) references traffic_light(tenant_id, id)
);
create index complaint_account_idx on complaint (tenant_id, account_id);
create index complaint_custom_idx on complaint using gin (custom jsonb_path_ops);

alter table traffic_light add constraint traffic_light_complaint_fk
  foreign key (tenant_id, complaint_id) references complaint(tenant_id, id);
