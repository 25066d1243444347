-- Product library (DOMAIN.md §4): the catalog quotes, orders and price lists point at.

create table product (
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
  sku text not null,
  name text not null,
  name_en text,
  -- subscription lines carry a service period and count as recurring revenue; the others never do
  type text not null check (type in ('subscription', 'one_time', 'service')),
  unit text not null default 'item' check (unit in ('seat', 'module', 'instance', 'year', 'month', 'day', 'item')),
  list_price bigint not null default 0 check (list_price >= 0),
  list_price_currency char(3),
  cost bigint check (cost >= 0),
  cost_currency char(3),
  tax_rate numeric not null default 6 check (tax_rate >= 0 and tax_rate <= 100),
  active boolean not null default true,
  family text,
  description text,
  is_bundle boolean not null default false,
  primary key (tenant_id, id),
  foreign key (tenant_id, owner_id) references app_user(tenant_id, id)
);
create unique index product_sku_uq on product (tenant_id, lower(sku)) where deleted_at is null;
create index product_family_idx on product (tenant_id, family);
create index product_custom_idx on product using gin (custom jsonb_path_ops);

-- Children of a bundle: required ones are always sold with it, optional ones when chosen.
create table product_bundle_item (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  bundle_id uuid not null,
  product_id uuid not null,
  required boolean not null default true,
  -- quantity of the child per one unit of the bundle
  quantity numeric(14, 4) not null default 1 check (quantity > 0),
  min_quantity numeric(14, 4) check (min_quantity > 0),
  max_quantity numeric(14, 4) check (max_quantity > 0),
  position int not null default 0,
  primary key (tenant_id, id),
  unique (tenant_id, bundle_id, product_id),
  check (bundle_id <> product_id),
  foreign key (tenant_id, bundle_id) references product(tenant_id, id) on delete cascade,
  foreign key (tenant_id, product_id) references product(tenant_id, id)
);
create index product_bundle_item_product_idx on product_bundle_item (tenant_id, product_id);

-- Document numbers (HT-2026-00001 …): one counter per tenant, kind and period (the year when the
-- pattern has one), taken under the row lock so parallel writers never share a number.
create table cash_number_seq (
  tenant_id uuid not null references tenant(id),
  kind text not null,
  period text not null,
  last_value bigint not null default 0,
  primary key (tenant_id, kind, period)
);
