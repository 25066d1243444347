-- Saved list views: a user's own, or shared with the whole tenant (admins).
create table list_view (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  object text not null,
  name text not null,
  owner_id uuid not null,
  shared boolean not null default false,
  config jsonb not null default '{}',
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, owner_id) references app_user(tenant_id, id)
);
create index list_view_object_idx on list_view (tenant_id, object, owner_id);
