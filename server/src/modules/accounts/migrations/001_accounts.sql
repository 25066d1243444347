create table account (
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
  credit_code text,
  industry text,
  province text,
  city text,
  size text,
  type text,
  grade text,
  tags text[],
  phone text,
  website text,
  annual_revenue bigint,
  annual_revenue_currency char(3),
  employees numeric,
  parent_id uuid,
  description text,
  primary key (tenant_id, id),
  foreign key (tenant_id, owner_id) references app_user(tenant_id, id),
  foreign key (tenant_id, parent_id) references account(tenant_id, id)
);
create unique index account_credit_code_uniq on account (tenant_id, lower(credit_code)) where deleted_at is null and credit_code is not null;
create index account_owner_idx on account (tenant_id, owner_id);
create index account_name_idx on account (tenant_id, name);
create index account_created_idx on account (tenant_id, created_at);
create index account_custom_idx on account using gin (custom jsonb_path_ops);
create index account_name_trgm_idx on account using gin (name gin_trgm_ops);

create table contact (
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
  account_id uuid not null,
  mobile text,
  email text,
  title text,
  department text,
  role text,
  reports_to uuid,
  is_key_user boolean,
  primary key (tenant_id, id),
  foreign key (tenant_id, owner_id) references app_user(tenant_id, id),
  foreign key (tenant_id, account_id) references account(tenant_id, id),
  foreign key (tenant_id, reports_to) references contact(tenant_id, id)
);
create index contact_account_idx on contact (tenant_id, account_id);
create index contact_owner_idx on contact (tenant_id, owner_id);
create index contact_custom_idx on contact using gin (custom jsonb_path_ops);
