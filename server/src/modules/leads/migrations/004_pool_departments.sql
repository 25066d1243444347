-- A whole department (with its sub-departments) can be a member or an admin of a lead pool:
-- everyone in that part of the department tree counts as a member, next to the per-user rows.
create table lead_pool_department (
  tenant_id uuid not null references tenant(id),
  pool_id uuid not null,
  department_id uuid not null,
  role text not null default 'member' check (role in ('member', 'admin')),
  primary key (tenant_id, pool_id, department_id),
  foreign key (tenant_id, pool_id) references lead_pool(tenant_id, id) on delete cascade,
  foreign key (tenant_id, department_id) references department(tenant_id, id) on delete cascade
);
create index lead_pool_department_dept_idx on lead_pool_department (tenant_id, department_id);
