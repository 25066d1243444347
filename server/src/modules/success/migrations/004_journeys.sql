-- Lifecycle journeys (DOMAIN.md §6.6, docs/ENGAGEMENT.md "Lifecycle journeys"): the stages after
-- signing, each with key tasks and their verifiable results, started by a confirmed new order.

-- The tenant's journey template, one row per saved version (the built-in default is version 0 and
-- is not stored). body: {start_window_days, stages: [{key, name, planned_days, csat, tasks: [{key,
-- name, result: checkbox | note | file, required}]}]} — checked by journeys.rules.ts.
create table journey_template (
  tenant_id uuid not null references tenant(id),
  version int not null check (version >= 1),
  body jsonb not null check (jsonb_typeof(body) = 'object'),
  created_at timestamptz not null default now(),
  created_by uuid,
  primary key (tenant_id, version),
  foreign key (tenant_id, created_by) references app_user(tenant_id, id)
);

-- One customer's journey. Its stages and tasks are copied from the template when it starts, so
-- editing the template never changes a journey under way. The owner is not stored: it is the
-- customer's CSM (else the account owner) of the moment.
create table journey (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  account_id uuid not null,
  -- the confirmed order that started it (null: started by hand)
  order_id uuid,
  template_version int not null default 0,
  status text not null default 'active' check (status in ('active', 'completed', 'cancelled')),
  current_stage text,
  started_on date not null,
  completed_on date,
  cancelled_at timestamptz,
  cancel_reason text check (length(cancel_reason) <= 500),
  version int not null default 1,
  created_at timestamptz not null default now(),
  created_by uuid,
  updated_at timestamptz not null default now(),
  updated_by uuid,
  primary key (tenant_id, id),
  -- a replayed order.confirmed never starts a second journey
  unique (tenant_id, order_id),
  foreign key (tenant_id, account_id) references account(tenant_id, id),
  foreign key (tenant_id, order_id) references sales_order(tenant_id, id),
  foreign key (tenant_id, created_by) references app_user(tenant_id, id),
  foreign key (tenant_id, updated_by) references app_user(tenant_id, id),
  check ((status = 'active') = (current_stage is not null)),
  check ((status = 'completed') = (completed_on is not null)),
  check ((status = 'cancelled') = (cancelled_at is not null))
);
-- at most one journey under way per customer
create unique index journey_active_uq on journey (tenant_id, account_id) where status = 'active';
create index journey_account_idx on journey (tenant_id, account_id, started_on);

-- A stage of a journey: entered when the previous one completed (the first on the start day), due
-- planned_days later (null: no due day), completed on a day with its key tasks' results.
create table journey_stage (
  tenant_id uuid not null references tenant(id),
  journey_id uuid not null,
  key text not null,
  position int not null,
  name text not null,
  planned_days int check (planned_days between 1 and 3650),
  -- completing it sends the active journey_stage surveys to the customer's key users
  csat boolean not null default false,
  entered_on date,
  due_on date,
  completed_on date,
  completed_at timestamptz,
  completed_by uuid,
  -- the overdue alert (once per stage): the day the job raised it and the task it made
  overdue_alerted_on date,
  overdue_task_id uuid,
  primary key (tenant_id, journey_id, key),
  unique (tenant_id, journey_id, position),
  foreign key (tenant_id, journey_id) references journey(tenant_id, id),
  foreign key (tenant_id, completed_by) references app_user(tenant_id, id),
  foreign key (tenant_id, overdue_task_id) references task(tenant_id, id),
  check (completed_on is null or (entered_on is not null and completed_on >= entered_on)),
  check (due_on is null or entered_on is not null)
);
create index journey_stage_due_idx on journey_stage (tenant_id, due_on)
  where completed_on is null and entered_on is not null;

-- A key task of a stage and its verifiable result: a tick (checkbox), a written note, or a file
-- attached to the customer (the acceptance document).
create table journey_task (
  tenant_id uuid not null references tenant(id),
  journey_id uuid not null,
  stage_key text not null,
  key text not null,
  position int not null,
  name text not null,
  result_kind text not null check (result_kind in ('checkbox', 'note', 'file')),
  required boolean not null default true,
  done_at timestamptz,
  done_by uuid,
  note text check (length(note) <= 2000),
  attachment_id uuid,
  file_name text,
  primary key (tenant_id, journey_id, stage_key, key),
  foreign key (tenant_id, journey_id, stage_key) references journey_stage(tenant_id, journey_id, key),
  foreign key (tenant_id, done_by) references app_user(tenant_id, id),
  foreign key (tenant_id, attachment_id) references attachment(tenant_id, id)
);
