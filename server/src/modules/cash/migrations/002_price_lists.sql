-- Price lists (DOMAIN.md §4, docs/CASH.md "Pricing"): special prices for all accounts, one
-- account, an account grade or an account type, with priority, validity dates and volume tiers.

-- Whether a product may be sold to an account none of whose price lists has it.
alter table product add column sellable_scope text not null default 'any'
  check (sellable_scope in ('any', 'listed_only'));

create table price_list (
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
  name text not null,
  currency char(3) not null,
  -- lower number = higher priority; with the tenant's best-price setting the lowest amount wins instead
  priority int not null default 100 check (priority >= 0),
  scope_type text not null default 'all' check (scope_type in ('all', 'account', 'account_grade', 'account_type')),
  -- the account grade or type the list is for
  scope_value text,
  account_id uuid,
  valid_from date,
  valid_to date,
  active boolean not null default true,
  description text,
  primary key (tenant_id, id),
  check (valid_from is null or valid_to is null or valid_from <= valid_to),
  check ((scope_type = 'account') = (account_id is not null)),
  check ((scope_type in ('account_grade', 'account_type')) = (scope_value is not null)),
  foreign key (tenant_id, owner_id) references app_user(tenant_id, id),
  foreign key (tenant_id, account_id) references account(tenant_id, id)
);
create index price_list_scope_idx on price_list (tenant_id, scope_type, active) where deleted_at is null;
create index price_list_account_idx on price_list (tenant_id, account_id) where account_id is not null;
create index price_list_custom_idx on price_list using gin (custom jsonb_path_ops);

-- One price per product and list; tiered items keep their tiers in price_tier.
create table price_list_item (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  price_list_id uuid not null,
  product_id uuid not null,
  position int not null default 0,
  -- the price for quantities no tier covers, and the price of untiered items
  unit_price bigint not null check (unit_price >= 0),
  tier_mode text not null default 'none' check (tier_mode in ('none', 'range', 'slab')),
  -- the item applies from this quantity on (null = any)
  min_quantity numeric(14, 4) check (min_quantity > 0),
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, price_list_id, product_id),
  foreign key (tenant_id, price_list_id) references price_list(tenant_id, id) on delete cascade,
  foreign key (tenant_id, product_id) references product(tenant_id, id)
);
create index price_list_item_product_idx on price_list_item (tenant_id, product_id);

-- A tier covers quantities above from_qty up to and including to_qty (null = no upper bound);
-- the service checks that an item's tiers start at 0 and follow each other without gaps.
create table price_tier (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  item_id uuid not null,
  from_qty numeric(14, 4) not null check (from_qty >= 0),
  to_qty numeric(14, 4),
  unit_price bigint not null check (unit_price >= 0),
  primary key (tenant_id, id),
  unique (tenant_id, item_id, from_qty),
  check (to_qty is null or to_qty > from_qty),
  foreign key (tenant_id, item_id) references price_list_item(tenant_id, id) on delete cascade
);
