-- Public pools (公海), account state and follow-up dates, team members (DOMAIN.md §2).

create table account_pool (
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
  description text,
  -- members see and claim, or only pool admins assign
  visibility text,
  -- per-pool holding limit (保有量) for each member; the global limit is a tenant setting
  claim_cap numeric,
  -- reclaim: no follow-up for N days, no won deal for M days after claim; warn X days before
  no_followup_days numeric,
  no_won_days numeric,
  warn_days numeric,
  primary key (tenant_id, id),
  foreign key (tenant_id, owner_id) references app_user(tenant_id, id)
);
create index account_pool_custom_idx on account_pool using gin (custom jsonb_path_ops);

create table account_pool_member (
  tenant_id uuid not null references tenant(id),
  pool_id uuid not null,
  user_id uuid not null,
  role text not null default 'member' check (role in ('member', 'admin')),
  primary key (tenant_id, pool_id, user_id),
  foreign key (tenant_id, pool_id) references account_pool(tenant_id, id) on delete cascade,
  foreign key (tenant_id, user_id) references app_user(tenant_id, id)
);
create index account_pool_member_user_idx on account_pool_member (tenant_id, user_id);

alter table account
  add column pool_id uuid,
  -- pool (nobody holds it) / owned / won (a won deal, confirmed order or new contract)
  add column state text,
  add column claimed_at timestamptz,
  add column last_followed_at timestamptz,
  add column won_at timestamptz,
  add foreign key (tenant_id, pool_id) references account_pool(tenant_id, id);
create index account_pool_state_idx on account (tenant_id, pool_id, state);
create index account_owner_state_idx on account (tenant_id, owner_id, state);

alter table contact add column last_followed_at timestamptz;

-- Every move of an account (claim, return, reclaim, transfer, assign), with its reason.
create table account_event (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  account_id uuid not null,
  at timestamptz not null default now(),
  kind text not null,
  actor_user_id uuid,
  from_owner uuid,
  to_owner uuid,
  from_pool uuid,
  to_pool uuid,
  reason text,
  primary key (tenant_id, id),
  foreign key (tenant_id, account_id) references account(tenant_id, id)
);
create index account_event_account_idx on account_event (tenant_id, account_id, at);
create index account_event_owner_idx on account_event (tenant_id, from_owner, kind, at);

-- People working an account beside its owner, with their role and access.
create table account_team_member (
  tenant_id uuid not null references tenant(id),
  account_id uuid not null,
  user_id uuid not null,
  role text not null default 'member',
  access text not null default 'read' check (access in ('read', 'edit')),
  added_at timestamptz not null default now(),
  primary key (tenant_id, account_id, user_id),
  foreign key (tenant_id, account_id) references account(tenant_id, id),
  foreign key (tenant_id, user_id) references app_user(tenant_id, id)
);
create index account_team_member_user_idx on account_team_member (tenant_id, user_id);
