-- One reclaim warning per account and reclaim date (the nightly job must not nag every night).
create table account_reclaim_warning (
  tenant_id uuid not null references tenant(id),
  account_id uuid not null,
  reclaim_on date not null,
  warned_at timestamptz not null default now(),
  primary key (tenant_id, account_id, reclaim_on),
  foreign key (tenant_id, account_id) references account(tenant_id, id)
);
