-- Alerts the daily sales.alerts job sent: one row per deal, kind and as-of date, so a re-run of
-- the same day sends nothing twice.
create table opportunity_alert (
  tenant_id uuid not null references tenant(id),
  opportunity_id uuid not null,
  kind text not null,
  as_of date not null,
  owner_id uuid,
  created_at timestamptz not null default now(),
  primary key (tenant_id, opportunity_id, kind, as_of),
  foreign key (tenant_id, opportunity_id) references opportunity(tenant_id, id)
);
