-- Approvals engine (platform/approvals, docs/ARCHITECTURE.md "Approvals", API.md §19).

-- The head of a department (approval nodes "department head" and "N levels up"). The identity
-- model had no such notion; it lives on the department so other features can use it later.
alter table department add column head_user_id uuid;
alter table department add constraint department_head_fk
  foreign key (tenant_id, head_user_id) references app_user(tenant_id, id);

-- An approval process of one object: which submissions it catches (triggers, entry condition,
-- priority) and its ordered nodes (JSON, validated by approvals.schemas.ts).
create table approval_process (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  name text not null,
  description text,
  object text not null,
  triggers text[] not null,
  -- the records filter grammar ([{field, op, value}] and and/or groups), evaluated over the record
  condition jsonb not null default '[]',
  -- lowest first; the first active matching process wins
  priority int not null default 100,
  active boolean not null default true,
  nodes jsonb not null,
  -- extra fields copied into each instance's snapshot (condition fields and the title always are)
  snapshot_fields text[] not null default '{}',
  version int not null default 1,
  created_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, created_by) references app_user(tenant_id, id),
  check (priority between 0 and 1000000),
  check (triggers <@ array['create', 'update', 'void', 'manual']::text[] and cardinality(triggers) > 0)
);
create index approval_process_object_idx on approval_process (tenant_id, object, priority);

-- One submission of one record. `plan` holds every node as resolved at submit time (skipped by
-- its condition or not, and its approvers), so later edits of the process do not change it.
create table approval_instance (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  process_id uuid not null,
  process_name text not null,
  object text not null,
  record_id uuid not null,
  record_title text,
  trigger text not null check (trigger in ('create', 'update', 'void', 'manual')),
  status text not null default 'pending'
    check (status in ('pending', 'approved', 'rejected', 'returned', 'withdrawn')),
  submitted_by uuid not null,
  snapshot jsonb not null default '{}',
  plan jsonb not null,
  -- index into plan of the node being decided; null once the instance is finished
  current_node int,
  submitted_at timestamptz not null default now(),
  completed_at timestamptz,
  version int not null default 1,
  primary key (tenant_id, id),
  foreign key (tenant_id, process_id) references approval_process(tenant_id, id),
  foreign key (tenant_id, submitted_by) references app_user(tenant_id, id)
);
-- at most one pending submission per record: this is also the record lock (records engine)
create unique index approval_instance_pending_uidx on approval_instance (tenant_id, object, record_id)
  where status = 'pending';
create index approval_instance_record_idx on approval_instance (tenant_id, object, record_id, submitted_at desc);

-- One approver's task on one node. Status: pending → approved | rejected | returned (their
-- decision), reassigned (handed to someone else: a new task exists), cancelled (the node or the
-- instance finished without them).
create table approval_task (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  instance_id uuid not null,
  node_index int not null,
  approver_id uuid not null,
  status text not null default 'pending'
    check (status in ('pending', 'approved', 'rejected', 'returned', 'reassigned', 'cancelled')),
  comment text,
  reassigned_from uuid,
  created_at timestamptz not null default now(),
  decided_at timestamptz,
  reminded_at timestamptz,
  primary key (tenant_id, id),
  foreign key (tenant_id, instance_id) references approval_instance(tenant_id, id),
  foreign key (tenant_id, approver_id) references app_user(tenant_id, id),
  foreign key (tenant_id, reassigned_from) references approval_task(tenant_id, id)
);
create index approval_task_instance_idx on approval_task (tenant_id, instance_id, node_index);
create index approval_task_inbox_idx on approval_task (tenant_id, approver_id, created_at)
  where status = 'pending';

-- The instance's history: every submit, decision, reassignment, comment and automatic step.
create table approval_step (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  instance_id uuid not null,
  node_index int,
  action text not null check (action in ('submit', 'approve', 'reject', 'return', 'withdraw',
    'reassign', 'comment', 'skip', 'complete')),
  actor_user_id uuid,
  comment text,
  meta jsonb not null default '{}',
  at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, instance_id) references approval_instance(tenant_id, id),
  foreign key (tenant_id, actor_user_id) references app_user(tenant_id, id)
);
create index approval_step_instance_idx on approval_step (tenant_id, instance_id, at);
