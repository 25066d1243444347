-- Quotes (报价单, DOMAIN.md §4): priced lines per version, totals kept on the header so list
-- views, filters and approval conditions can use them; a sent or approved version never changes
-- (a new version clones it). PDFs are kept in quote_document until platform/files exists.

create table quote (
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
  -- one number per quote, shared by its versions (BJ-2026-00001 v1, v2 …)
  number text not null,
  name text,
  opportunity_id uuid not null,
  account_id uuid not null,
  -- the business version (the row's `version` is the optimistic-concurrency counter)
  quote_version int not null default 1 check (quote_version >= 1),
  -- the first version of the chain (null on the first version itself) and the one this was cloned from
  parent_quote_id uuid,
  previous_version_id uuid,
  status text not null default 'draft' check (status in
    ('draft', 'in_approval', 'approved', 'rejected', 'sent', 'accepted', 'expired', 'superseded')),
  valid_until date,
  currency char(3) not null,
  header_discount numeric(5, 2) not null default 0 check (header_discount >= 0 and header_discount <= 100),
  list_total bigint not null default 0,
  list_total_currency char(3),
  subtotal bigint not null default 0,
  subtotal_currency char(3),
  discount_total bigint not null default 0,
  discount_total_currency char(3),
  net_total bigint not null default 0,
  net_total_currency char(3),
  tax_total bigint not null default 0,
  tax_total_currency char(3),
  grand_total bigint not null default 0 check (grand_total >= 0),
  grand_total_currency char(3),
  cost_total bigint not null default 0,
  cost_total_currency char(3),
  -- may be negative: selling below cost is what the approval thresholds are for
  margin_amount bigint not null default 0,
  margin_amount_currency char(3),
  margin_percent numeric(9, 2),
  max_line_discount numeric(5, 2) not null default 0,
  -- (list total − net total) / list total: line and header discounts together, off the standard price
  effective_discount numeric(9, 2),
  language text not null default 'zh-CN' check (language in ('zh-CN', 'en-US')),
  notes text,
  submitted_at timestamptz,
  approved_at timestamptz,
  sent_at timestamptz,
  accepted_at timestamptz,
  order_id uuid,
  contract_id uuid,
  primary key (tenant_id, id),
  unique (tenant_id, number, quote_version),
  foreign key (tenant_id, owner_id) references app_user(tenant_id, id),
  foreign key (tenant_id, opportunity_id) references opportunity(tenant_id, id),
  foreign key (tenant_id, account_id) references account(tenant_id, id),
  foreign key (tenant_id, parent_quote_id) references quote(tenant_id, id),
  foreign key (tenant_id, previous_version_id) references quote(tenant_id, id),
  foreign key (tenant_id, order_id) references sales_order(tenant_id, id),
  foreign key (tenant_id, contract_id) references contract(tenant_id, id)
);
create index quote_account_idx on quote (tenant_id, account_id, created_at desc);
create index quote_opportunity_idx on quote (tenant_id, opportunity_id);
create index quote_parent_idx on quote (tenant_id, parent_quote_id);
create index quote_status_idx on quote (tenant_id, status, valid_until);
create index quote_custom_idx on quote using gin (custom jsonb_path_ops);

-- Priced lines as the pricing rules returned them. Product name, SKU and unit are copied when the
-- line is written: a sent quote reads (and prints) the same after the catalog changes.
create table quote_line (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  quote_id uuid not null,
  position int not null,
  -- the request line this came from (bundle children share their bundle's)
  line_index int not null,
  parent_line_id uuid,
  product_id uuid not null,
  product_type text not null check (product_type in ('subscription', 'one_time', 'service')),
  sku text not null,
  product_name text not null,
  product_name_en text,
  unit text,
  is_bundle boolean not null default false,
  -- the bundle options the request chose (on the bundle line), so the request can be rebuilt
  options jsonb not null default '[]',
  quantity numeric(14, 4) not null check (quantity > 0),
  list_price bigint not null check (list_price >= 0),
  unit_price bigint not null check (unit_price >= 0),
  price_source text not null check (price_source in ('standard', 'price_list', 'override')),
  price_list_id uuid,
  discount numeric(5, 2) not null default 0 check (discount >= 0 and discount <= 100),
  -- quantity × unit price, before discounts
  gross_amount bigint not null check (gross_amount >= 0),
  -- after the line discount
  amount bigint not null check (amount >= 0),
  header_discount_amount bigint not null default 0 check (header_discount_amount >= 0),
  -- after both discounts, before tax: what an order line from this quote sells
  net_amount bigint not null check (net_amount >= 0),
  tax_rate numeric(9, 4) not null default 0,
  tax bigint not null default 0,
  cost bigint,
  service_start date,
  service_end date,
  primary key (tenant_id, id),
  unique (tenant_id, quote_id, position),
  check ((service_start is null) = (service_end is null)),
  check (service_start is null or service_start <= service_end),
  foreign key (tenant_id, quote_id) references quote(tenant_id, id) on delete cascade,
  foreign key (tenant_id, parent_line_id) references quote_line(tenant_id, id) on delete cascade,
  foreign key (tenant_id, product_id) references product(tenant_id, id)
);
create index quote_line_product_idx on quote_line (tenant_id, product_id);

-- Rendered PDFs attached to a quote version. Stand-in for platform/files (not built yet): the
-- bytes live here, so moving them is a copy into the file store and a pointer.
create table quote_document (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  quote_id uuid not null,
  quote_version int not null,
  file_name text not null,
  content_type text not null default 'application/pdf',
  size_bytes int not null,
  sha256 text not null,
  bytes bytea not null,
  created_by uuid,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, quote_id) references quote(tenant_id, id) on delete cascade,
  foreign key (tenant_id, created_by) references app_user(tenant_id, id)
);
create index quote_document_quote_idx on quote_document (tenant_id, quote_id, created_at desc);
