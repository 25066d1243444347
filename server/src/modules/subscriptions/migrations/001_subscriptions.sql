-- Subscriptions and renewals (DOMAIN.md §5, docs/METRICS.md): the ARR ledger booked from
-- confirmed orders, due renewals (应续) with their matching, adjustments (应续调整) and month-end
-- snapshots. Money in integer minor units; ARR in the tenant's base currency (tenant.currency).

-- Base-currency units for one unit of `currency`, from `effective_date` on. A line is converted
-- once, at booking, with the rate in force on its order date; later rates never move booked ARR.
create table exchange_rate (
  tenant_id uuid not null references tenant(id),
  currency char(3) not null,
  effective_date date not null,
  rate numeric(18, 8) not null check (rate > 0),
  created_by uuid,
  created_at timestamptz not null default now(),
  primary key (tenant_id, currency, effective_date),
  foreign key (tenant_id, created_by) references app_user(tenant_id, id)
);

-- One row per subscription order line of a confirmed order (the ledger). Rebuilt from the order
-- whenever it is confirmed, amended or cancelled, so replayed events never double count.
create table subscription_line (
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
  order_id uuid not null,
  -- the order line it was booked from (order lines are replaced when an order is amended)
  order_line_id uuid not null,
  order_type text not null,
  order_date date not null,
  product_id uuid not null,
  service_start date not null,
  service_end date not null,
  amount bigint not null check (amount >= 0),
  amount_currency char(3) not null,
  -- conversion at booking; null while no rate is known for the currency (status pending_rate)
  fx_rate numeric(18, 8),
  amount_base bigint,
  amount_base_currency char(3),
  -- annualised value in base-currency minor units: amount_base × 12 ÷ term months, half-up
  arr bigint check (arr >= 0),
  arr_currency char(3),
  status text not null default 'active' check (status in ('active', 'pending_rate', 'cancelled')),
  primary key (tenant_id, id),
  unique (tenant_id, order_line_id),
  check (service_start <= service_end),
  check (status <> 'active' or arr is not null),
  foreign key (tenant_id, owner_id) references app_user(tenant_id, id),
  foreign key (tenant_id, account_id) references account(tenant_id, id),
  foreign key (tenant_id, order_id) references sales_order(tenant_id, id),
  foreign key (tenant_id, product_id) references product(tenant_id, id)
);
create index subscription_line_account_idx on subscription_line (tenant_id, account_id, service_start);
create index subscription_line_order_idx on subscription_line (tenant_id, order_id);
create index subscription_line_active_idx on subscription_line (tenant_id, service_start, service_end)
  include (account_id, arr) where status = 'active';
create index subscription_line_custom_idx on subscription_line using gin (custom jsonb_path_ops);

-- 应续: what a customer is due to renew on `due_date` (the day after lines end), and what the
-- matching found (business view: by order date; finance view: by first payment date), both by
-- the end of the due date's month.
create table due_renewal (
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
  due_date date not null,
  -- base currency (tenant.currency) for all three amounts
  due_arr bigint not null check (due_arr >= 0),
  due_arr_currency char(3) not null,
  renewed_arr bigint not null default 0 check (renewed_arr >= 0 and renewed_arr <= due_arr),
  renewed_arr_currency char(3) not null,
  renewed_arr_finance bigint not null default 0 check (renewed_arr_finance >= 0 and renewed_arr_finance <= due_arr),
  renewed_arr_finance_currency char(3) not null,
  renewal_order_id uuid,
  renewal_opportunity_id uuid,
  status text not null default 'upcoming'
    check (status in ('upcoming', 'overdue', 'renewed', 'churned', 'adjusted')),
  evaluated_on date,
  primary key (tenant_id, id),
  unique (tenant_id, account_id, due_date),
  foreign key (tenant_id, owner_id) references app_user(tenant_id, id),
  foreign key (tenant_id, account_id) references account(tenant_id, id),
  foreign key (tenant_id, renewal_order_id) references sales_order(tenant_id, id),
  foreign key (tenant_id, renewal_opportunity_id) references opportunity(tenant_id, id)
);
create index due_renewal_due_idx on due_renewal (tenant_id, due_date);
create index due_renewal_status_idx on due_renewal (tenant_id, status, due_date);
create index due_renewal_custom_idx on due_renewal using gin (custom jsonb_path_ops);

-- 应续调整: a request to take a due record out of the renewal rate (numerator and denominator).
-- Keyed by (account, due date) so rebuilding due records never loses it.
create table renewal_adjustment (
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
  due_date date not null,
  reason text not null check (reason in ('acquired', 'duplicate_account', 'migrated_contract', 'other')),
  note text,
  status text not null default 'pending' check (status in ('pending', 'approved', 'rejected', 'withdrawn')),
  approval_status text check (approval_status in ('pending', 'approved', 'rejected', 'returned', 'withdrawn', 'not_required')),
  decided_at timestamptz,
  primary key (tenant_id, id),
  check (reason <> 'other' or coalesce(btrim(note), '') <> ''),
  foreign key (tenant_id, owner_id) references app_user(tenant_id, id),
  foreign key (tenant_id, account_id) references account(tenant_id, id)
);
-- at most one live adjustment per due record
create unique index renewal_adjustment_live_uq on renewal_adjustment (tenant_id, account_id, due_date)
  where status in ('pending', 'approved') and deleted_at is null;
create index renewal_adjustment_custom_idx on renewal_adjustment using gin (custom jsonb_path_ops);

-- Month-end figures as the nightly job recorded them once the month was over (what was reported);
-- the API compares them with today's recomputation and flags restated months.
create table arr_month_snapshot (
  tenant_id uuid not null references tenant(id),
  month date not null,
  start_arr bigint not null,
  new_arr bigint not null,
  expansion bigint not null,
  reactivation bigint not null,
  contraction bigint not null,
  churn bigint not null,
  end_arr bigint not null,
  customers_start int not null,
  customers_end int not null,
  recorded_at timestamptz not null default now(),
  primary key (tenant_id, month)
);
