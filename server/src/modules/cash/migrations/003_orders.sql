-- Contracts and orders with their lines (DOMAIN.md §4). A confirmed order is the fact the
-- subscriptions module books ARR from (event order.confirmed).

create table contract (
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
  number text not null,
  name text not null,
  account_id uuid not null,
  opportunity_id uuid,
  quote_id uuid,
  party_a text,
  party_b text,
  sign_date date,
  start_date date,
  end_date date,
  amount bigint check (amount >= 0),
  amount_currency char(3),
  status text not null default 'draft' check (status in ('draft', 'in_approval', 'signed', 'archived', 'terminated')),
  -- the last approval's result; a contract approved (or needing none) may be signed
  approval_status text check (approval_status in ('pending', 'approved', 'rejected', 'returned', 'withdrawn', 'not_required')),
  esign_status text check (esign_status in ('sent', 'signed', 'declined')),
  esign_document_id text,
  description text,
  primary key (tenant_id, id),
  unique (tenant_id, number),
  check (end_date is null or start_date is null or start_date <= end_date),
  foreign key (tenant_id, owner_id) references app_user(tenant_id, id),
  foreign key (tenant_id, account_id) references account(tenant_id, id),
  foreign key (tenant_id, opportunity_id) references opportunity(tenant_id, id)
);
create index contract_account_idx on contract (tenant_id, account_id);
create index contract_custom_idx on contract using gin (custom jsonb_path_ops);

create table sales_order (
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
  number text not null,
  account_id uuid not null,
  contract_id uuid,
  opportunity_id uuid,
  quote_id uuid,
  type text not null default 'new' check (type in ('new', 'renewal', 'expansion', 'downgrade')),
  status text not null default 'draft' check (status in ('draft', 'confirmed', 'cancelled')),
  -- the signing date: today by default, earlier for historical orders loaded later
  order_date date not null,
  amount bigint not null default 0 check (amount >= 0),
  amount_currency char(3) not null,
  confirmed_at timestamptz,
  cancelled_at timestamptz,
  cancel_reason text,
  erp_status text check (erp_status in ('pending', 'sent', 'acknowledged', 'failed')),
  erp_document_id text,
  description text,
  primary key (tenant_id, id),
  unique (tenant_id, number),
  foreign key (tenant_id, owner_id) references app_user(tenant_id, id),
  foreign key (tenant_id, account_id) references account(tenant_id, id),
  foreign key (tenant_id, contract_id) references contract(tenant_id, id),
  foreign key (tenant_id, opportunity_id) references opportunity(tenant_id, id)
);
create index sales_order_account_idx on sales_order (tenant_id, account_id, order_date);
create index sales_order_contract_idx on sales_order (tenant_id, contract_id);
create index sales_order_status_idx on sales_order (tenant_id, status, order_date);
create index sales_order_custom_idx on sales_order using gin (custom jsonb_path_ops);

create table order_line (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  order_id uuid not null,
  position int not null,
  product_id uuid not null,
  -- copied from the product when written: a later product edit never changes what was sold
  product_type text not null check (product_type in ('subscription', 'one_time', 'service')),
  quantity numeric(14, 4) not null check (quantity > 0),
  unit_price bigint not null check (unit_price >= 0),
  discount numeric(5, 2) not null default 0 check (discount >= 0 and discount <= 100),
  amount bigint not null check (amount >= 0),
  service_start date,
  service_end date,
  primary key (tenant_id, id),
  unique (tenant_id, order_id, position),
  -- subscription lines need a period; a service line may carry one (implementation weeks)
  check (product_type <> 'subscription' or service_start is not null),
  check ((service_start is null) = (service_end is null)),
  check (service_start is null or service_start <= service_end),
  foreign key (tenant_id, order_id) references sales_order(tenant_id, id) on delete cascade,
  foreign key (tenant_id, product_id) references product(tenant_id, id)
);
create index order_line_product_idx on order_line (tenant_id, product_id);
