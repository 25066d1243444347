-- Forecast submissions, weekly snapshots, manager adjustments and sales targets (DOMAIN.md §3).
-- A subject is either a user (a rep's own deals) or a department (its whole subtree): exactly one
-- of user_id / department_id is set.

create table forecast_snapshot (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  -- submission: what a rep or manager said; snapshot: the system's figures, taken weekly
  kind text not null check (kind in ('submission', 'snapshot')),
  user_id uuid,
  department_id uuid,
  period_kind text not null check (period_kind in ('month', 'quarter')),
  period_start date not null,
  -- the business date (tenant time zone) the figures are as of; snapshots: the week's Monday
  taken_on date not null,
  -- the system figures at that moment, one entry per currency (see forecast.rules.ts CurrencyForecast)
  figures jsonb not null default '[]',
  -- submissions only: the submitted amounts (minor units) in submitted_currency
  submitted_commit bigint,
  submitted_best_case bigint,
  submitted_currency char(3),
  note text,
  created_by uuid,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  check ((user_id is null) <> (department_id is null)),
  foreign key (tenant_id, user_id) references app_user(tenant_id, id),
  foreign key (tenant_id, department_id) references department(tenant_id, id),
  foreign key (tenant_id, created_by) references app_user(tenant_id, id)
);
create index forecast_snapshot_period_idx on forecast_snapshot (tenant_id, period_kind, period_start, taken_on);
-- one weekly snapshot per subject, period and week: the job may run twice
create unique index forecast_snapshot_user_week_uniq on forecast_snapshot (tenant_id, user_id, period_kind, period_start, taken_on)
  where kind = 'snapshot' and user_id is not null;
create unique index forecast_snapshot_dept_week_uniq on forecast_snapshot (tenant_id, department_id, period_kind, period_start, taken_on)
  where kind = 'snapshot' and department_id is not null;

-- A manager's figure for a subject's forecast category; the latest one per (subject, period,
-- category, currency) applies and is shown next to the system figure.
create table forecast_adjustment (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  user_id uuid,
  department_id uuid,
  period_kind text not null check (period_kind in ('month', 'quarter')),
  period_start date not null,
  category text not null check (category in ('commit', 'best_case', 'pipeline')),
  amount bigint not null check (amount >= 0),
  currency char(3) not null,
  note text,
  created_by uuid,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  check ((user_id is null) <> (department_id is null)),
  foreign key (tenant_id, user_id) references app_user(tenant_id, id),
  foreign key (tenant_id, department_id) references department(tenant_id, id),
  foreign key (tenant_id, created_by) references app_user(tenant_id, id)
);
create index forecast_adjustment_period_idx on forecast_adjustment (tenant_id, period_kind, period_start, created_at);

create table sales_target (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  user_id uuid,
  department_id uuid,
  period_kind text not null check (period_kind in ('month', 'quarter', 'year')),
  period_start date not null,
  amount bigint not null check (amount >= 0),
  currency char(3) not null,
  new_customers int check (new_customers >= 0),
  updated_by uuid,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  check ((user_id is null) <> (department_id is null)),
  foreign key (tenant_id, user_id) references app_user(tenant_id, id),
  foreign key (tenant_id, department_id) references department(tenant_id, id),
  foreign key (tenant_id, updated_by) references app_user(tenant_id, id)
);
create unique index sales_target_user_uniq on sales_target (tenant_id, user_id, period_kind, period_start) where user_id is not null;
create unique index sales_target_dept_uniq on sales_target (tenant_id, department_id, period_kind, period_start) where department_id is not null;
create index sales_target_period_idx on sales_target (tenant_id, period_start);
