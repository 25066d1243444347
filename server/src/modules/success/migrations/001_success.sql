-- Customer success (DOMAIN.md §6.1–§6.3, §6.7; docs/HEALTH.md): daily usage telemetry, the
-- versioned health model, weekly health snapshots, change alerts and warning work orders, the
-- nine-grid strategies, CSM incentive statements and the renewal-probability model.

-- One row per customer per day, as the product reported it; a resend of the same day replaces it.
create table usage_daily (
  tenant_id uuid not null references tenant(id),
  account_id uuid not null,
  day date not null,
  purchased_seats int not null check (purchased_seats >= 0),
  activated_seats int not null check (activated_seats >= 0),
  -- distinct users over the 7 days ending `day`
  logged_in_users_7d int not null check (logged_in_users_7d >= 0),
  bi_users_7d int not null check (bi_users_7d >= 0),
  -- new records created that day per module key, e.g. {"account": 12, "contract": 3}
  module_records jsonb not null default '{}',
  -- {"users": {"used": 95, "limit": 100}, ...}
  quotas jsonb,
  admin_user text,
  department_heads text[],
  received_at timestamptz not null default now(),
  primary key (tenant_id, account_id, day),
  foreign key (tenant_id, account_id) references account(tenant_id, id)
);
create index usage_daily_day_idx on usage_daily (tenant_id, day);

-- Every saved version of the tenant's health model (weights, points, bands, window, thresholds).
-- The highest version is in force; snapshots name the version they were scored with.
create table health_model (
  tenant_id uuid not null references tenant(id),
  version int not null check (version >= 1),
  config jsonb not null,
  created_by uuid,
  created_at timestamptz not null default now(),
  primary key (tenant_id, version),
  foreign key (tenant_id, created_by) references app_user(tenant_id, id)
);

-- One row per customer per scored week (week_start = the Monday of the last week in the window).
create table health_snapshot (
  tenant_id uuid not null references tenant(id),
  account_id uuid not null,
  week_start date not null check (extract(isodow from week_start) = 1),
  model_version int not null,
  -- null when the customer sent no telemetry in the window (status no_data)
  score numeric(4, 1) check (score between 0 and 100),
  status text not null check (status in ('healthy', 'sub_healthy', 'unhealthy', 'no_data')),
  -- a due renewal passed without renewal (延期): unhealthy whatever the score
  delayed boolean not null default false,
  -- per dimension: raw ratio or points, score, weight (averaged over the window) and per-week totals
  dimensions jsonb not null default '{}',
  weekly_totals jsonb not null default '[]',
  login_rate numeric,
  quotas jsonb,
  admin_user text,
  department_heads text[],
  -- ARR (base currency minor units) on the scoring day, for health rate and the nine-grid
  arr bigint not null default 0,
  -- renewal probability (model, or score / 100 until a model is trained) and its top factors
  probability numeric(5, 4),
  factors jsonb,
  scored_at timestamptz not null default now(),
  primary key (tenant_id, account_id, week_start),
  foreign key (tenant_id, account_id) references account(tenant_id, id)
);
create index health_snapshot_week_idx on health_snapshot (tenant_id, week_start);

-- Week-over-week changes the weekly job found (异动预警); malignant ones open a work order.
create table health_alert (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  account_id uuid not null,
  week_start date not null,
  type text not null,
  level text not null check (level in ('high', 'mid', 'low')),
  nature text not null check (nature in ('benign', 'malignant')),
  detail jsonb not null default '{}',
  work_order_id uuid,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, account_id, week_start, type),
  foreign key (tenant_id, account_id) references account(tenant_id, id)
);
create index health_alert_week_idx on health_alert (tenant_id, week_start);

-- 预警工单: the closed loop for a malignant alert (无闭环不管理), owned by the customer's CSM.
create table work_order (
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
  type text not null default 'warning' check (type in ('warning')),
  alert_type text not null,
  level text not null check (level in ('high', 'mid', 'low')),
  subject text not null,
  detail text,
  status text not null default 'open' check (status in ('open', 'in_progress', 'resolved', 'verified', 'reopened')),
  due_date date not null,
  raised_week date not null,
  last_raised_week date not null,
  times_raised int not null default 1,
  action_taken text,
  resolved_at timestamptz,
  resolved_by uuid,
  score_at_resolution numeric(4, 1),
  verified_at timestamptz,
  verified_by uuid,
  effectiveness text check (effectiveness in ('effective', 'ineffective')),
  evaluated_on date,
  primary key (tenant_id, id),
  check (status not in ('resolved', 'verified') or coalesce(btrim(action_taken), '') <> ''),
  foreign key (tenant_id, owner_id) references app_user(tenant_id, id),
  foreign key (tenant_id, account_id) references account(tenant_id, id),
  foreign key (tenant_id, resolved_by) references app_user(tenant_id, id),
  foreign key (tenant_id, verified_by) references app_user(tenant_id, id)
);
-- one open work order per customer and alert type: a repeat alert updates it
create unique index work_order_open_uq on work_order (tenant_id, account_id, alert_type)
  where status in ('open', 'in_progress', 'reopened') and deleted_at is null;
create index work_order_owner_idx on work_order (tenant_id, owner_id, status);
create index work_order_custom_idx on work_order using gin (custom jsonb_path_ops);

-- Follow-up strategy and task templates per nine-grid cell (1–9).
create table nine_grid_cell (
  tenant_id uuid not null references tenant(id),
  cell int not null check (cell between 1 and 9),
  strategy text not null default '',
  -- [{"subject": "...", "due_days": 7}]
  task_templates jsonb not null default '[]',
  updated_by uuid,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, cell),
  foreign key (tenant_id, updated_by) references app_user(tenant_id, id)
);

-- Monthly CSM incentive statements (DOMAIN.md §6.7): healthy ARR ÷ 12 × MRR rate × coefficient.
create table csm_statement (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  user_id uuid not null,
  period date not null check (extract(day from period) = 1),
  status text not null default 'draft' check (status in ('draft', 'approved', 'locked')),
  currency char(3) not null,
  healthy_arr bigint not null,
  healthy_arr_prev bigint not null,
  total_arr bigint not null,
  -- healthy ARR at month end ÷ at the previous month end (null when the previous is zero)
  mom numeric,
  mrr_rate numeric not null,
  base bigint not null,
  coefficient numeric not null,
  amount bigint not null,
  -- per customer: account, arr, status (what the statement was computed from)
  lines jsonb not null default '[]',
  computed_at timestamptz not null default now(),
  approved_by uuid,
  approved_at timestamptz,
  locked_by uuid,
  locked_at timestamptz,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, user_id, period),
  foreign key (tenant_id, user_id) references app_user(tenant_id, id),
  foreign key (tenant_id, approved_by) references app_user(tenant_id, id),
  foreign key (tenant_id, locked_by) references app_user(tenant_id, id)
);

-- Trained renewal-probability models; the latest is in force.
create table renewal_model (
  tenant_id uuid not null references tenant(id),
  version int not null check (version >= 1),
  trained_at timestamptz not null default now(),
  as_of date not null,
  -- feature names, means and scales, weights, intercept
  model jsonb not null,
  -- train/test sizes, split date, AUC, accuracy, calibration, the health-only baseline
  metrics jsonb not null,
  primary key (tenant_id, version)
);
