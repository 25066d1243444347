-- Service tiers, touch cadence and round-robin CSM assignment (DOMAIN.md §6.6, docs/ENGAGEMENT.md
-- "Service tiers, cadence and touch rate"). The tier rules themselves are a tenant setting
-- (settings.success.serviceTiers).

-- A customer's service tier from a day on. The daily job writes a row only when the tier changes
-- (tier_key null: the customer left the tiers — no ARR that day, or no rule matches). The tier on a
-- day is the row with the latest effective_on on or before it, so the touch rate of a past period
-- is computed with the tiers of that time.
create table account_tier_history (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  account_id uuid not null,
  tier_key text,
  -- where the cadence clock starts for a customer not touched since: the first service start when
  -- the customer is first tiered, the day of the change when it moves to another tier
  since date,
  effective_on date not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  -- a rerun of a day replaces that day's row
  unique (tenant_id, account_id, effective_on),
  foreign key (tenant_id, account_id) references account(tenant_id, id),
  check ((tier_key is null) = (since is null))
);
create index account_tier_history_day_idx on account_tier_history (tenant_id, effective_on);

-- The round-robin pointer of each tier: the CSM who got the tier's last assignment (the next one
-- goes to the team member after them in id order), and how many assignments the tier has made.
create table service_tier_rotation (
  tenant_id uuid not null references tenant(id),
  tier_key text not null,
  last_user_id uuid,
  assigned int not null default 0,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, tier_key),
  foreign key (tenant_id, last_user_id) references app_user(tenant_id, id)
);
