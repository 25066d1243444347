-- Follow-up records (跟进记录) and tasks (DOMAIN.md §0–§3). Logging an activity moves
-- last_followed_at on the records it is about, which drives pool timers and alerts.

create table activity (
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
  subject text not null,
  type text not null,
  occurred_at timestamptz not null default now(),
  duration_minutes numeric,
  notes text,
  outcome text,
  next_step text,
  lead_id uuid,
  account_id uuid,
  contact_id uuid,
  opportunity_id uuid,
  -- visits: where the rep checked in
  latitude numeric,
  longitude numeric,
  address text,
  primary key (tenant_id, id),
  foreign key (tenant_id, owner_id) references app_user(tenant_id, id),
  foreign key (tenant_id, lead_id) references lead(tenant_id, id),
  foreign key (tenant_id, account_id) references account(tenant_id, id),
  foreign key (tenant_id, contact_id) references contact(tenant_id, id),
  foreign key (tenant_id, opportunity_id) references opportunity(tenant_id, id)
);
create index activity_account_idx on activity (tenant_id, account_id, occurred_at);
create index activity_opportunity_idx on activity (tenant_id, opportunity_id, type);
create index activity_lead_idx on activity (tenant_id, lead_id, occurred_at);
create index activity_contact_idx on activity (tenant_id, contact_id, occurred_at);
create index activity_owner_idx on activity (tenant_id, owner_id, occurred_at);
create index activity_custom_idx on activity using gin (custom jsonb_path_ops);

create table task (
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
  subject text not null,
  status text not null default 'open',
  priority text,
  due_at timestamptz,
  remind_at timestamptz,
  reminded_at timestamptz,
  completed_at timestamptz,
  notes text,
  lead_id uuid,
  account_id uuid,
  contact_id uuid,
  opportunity_id uuid,
  primary key (tenant_id, id),
  foreign key (tenant_id, owner_id) references app_user(tenant_id, id),
  foreign key (tenant_id, lead_id) references lead(tenant_id, id),
  foreign key (tenant_id, account_id) references account(tenant_id, id),
  foreign key (tenant_id, contact_id) references contact(tenant_id, id),
  foreign key (tenant_id, opportunity_id) references opportunity(tenant_id, id)
);
create index task_owner_due_idx on task (tenant_id, owner_id, status, due_at);
create index task_remind_idx on task (tenant_id, remind_at) where reminded_at is null and status = 'open';
create index task_account_idx on task (tenant_id, account_id);
create index task_opportunity_idx on task (tenant_id, opportunity_id);
create index task_custom_idx on task using gin (custom jsonb_path_ops);
