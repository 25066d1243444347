-- Who receives the 8:00 "payments received" digest (DOMAIN.md §10: the CEO's day starts with it).
create table cash_digest_subscription (
  tenant_id uuid not null references tenant(id),
  user_id uuid not null,
  in_app boolean not null default true,
  email boolean not null default true,
  -- the business day last reported to this user: a second run for the same day sends nothing
  last_sent_for date,
  created_at timestamptz not null default now(),
  primary key (tenant_id, user_id),
  foreign key (tenant_id, user_id) references app_user(tenant_id, id) on delete cascade
);
