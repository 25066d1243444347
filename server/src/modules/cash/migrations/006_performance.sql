-- Performance credit (业绩) and commissions (DOMAIN.md §4): who shares an order's credit (splits),
-- the credit ledger written from order and payment events, and monthly commission statements.

-- An order's participants. No rows = the order's owner holds 100 % revenue. Revenue rows of an
-- order total exactly 100 % (checked by the service, which replaces the set as a whole); overlay
-- rows (the manager's double count, 双计) are on top and not capped in total.
create table order_split (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  order_id uuid not null,
  user_id uuid not null,
  role text not null,
  kind text not null check (kind in ('revenue', 'overlay')),
  -- percent with 2 decimals (33.33), 0 < p ≤ 100
  percent numeric(5, 2) not null check (percent > 0 and percent <= 100),
  position int not null,
  created_by uuid,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, order_id, user_id, kind),
  foreign key (tenant_id, order_id) references sales_order(tenant_id, id) on delete cascade,
  foreign key (tenant_id, user_id) references app_user(tenant_id, id)
);
create index order_split_user_idx on order_split (tenant_id, user_id);

-- The credit ledger: append-only rows (+ earned, − reversed) per participant. For one source
-- (order, or order × payment) the rows of a participant add up to what the current facts and
-- splits give them; every change writes only the difference, so a replayed event writes nothing.
create table performance_credit (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  user_id uuid not null,
  order_id uuid not null,
  -- set for credit from payments (creditSource 'payment'); not a foreign key so the ledger does
  -- not depend on how receivables keep their rows
  payment_id uuid,
  -- first day of the month the row counts in (tenant time zone)
  period date not null check (extract(day from period) = 1),
  amount bigint not null check (amount <> 0),
  currency char(3) not null,
  kind text not null check (kind in ('revenue', 'overlay')),
  role text not null,
  source text not null check (source in ('order', 'payment')),
  -- what made the change: order.confirmed, payment.allocated, order.splits_changed, recompute …
  source_event text not null,
  event_id uuid,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, user_id) references app_user(tenant_id, id),
  foreign key (tenant_id, order_id) references sales_order(tenant_id, id)
);
create index performance_credit_user_idx on performance_credit (tenant_id, user_id, period);
create index performance_credit_order_idx on performance_credit (tenant_id, order_id, payment_id);
create index performance_credit_period_idx on performance_credit (tenant_id, period);

-- A person's commission for a month: recomputed from the ledger while draft or approved (a
-- change of an approved amount sends it back to draft); locked statements never change.
create table commission_statement (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  user_id uuid not null,
  period date not null check (extract(day from period) = 1),
  status text not null default 'draft' check (status in ('draft', 'approved', 'locked')),
  currency char(3) not null,
  revenue_credit bigint not null default 0,
  overlay_credit bigint not null default 0,
  target bigint,
  -- percent, 2 decimals (unbounded: a tiny target can be exceeded many times over)
  attainment numeric,
  commission bigint not null default 0,
  -- per role: credit, rule, slices, cap (what the commission was computed from)
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
create index commission_statement_period_idx on commission_statement (tenant_id, period, status);
