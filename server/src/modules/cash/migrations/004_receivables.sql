-- Receivables (DOMAIN.md §4): payment plans with instalments, payments received (回款) matched to
-- instalments, the customer credit ledger, invoices (开票) with red-letter credit notes and their
-- reconciliation with payments. Money in minor units; a child row carries its parent's currency.

-- A plan belongs to exactly one contract or one order; its instalments add up to its amount.
create table payment_plan (
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
  number text not null,
  account_id uuid not null,
  contract_id uuid,
  order_id uuid,
  amount bigint not null check (amount > 0),
  amount_currency char(3) not null,
  -- Σ instalments' paid_amount, kept by the payment service (lists and filters read it)
  paid_amount bigint not null default 0 check (paid_amount >= 0 and paid_amount <= amount),
  paid_amount_currency char(3),
  status text not null default 'open' check (status in ('open', 'paid', 'cancelled')),
  description text,
  primary key (tenant_id, id),
  unique (tenant_id, number),
  check ((contract_id is null) <> (order_id is null)),
  foreign key (tenant_id, owner_id) references app_user(tenant_id, id),
  foreign key (tenant_id, account_id) references account(tenant_id, id),
  foreign key (tenant_id, contract_id) references contract(tenant_id, id),
  foreign key (tenant_id, order_id) references sales_order(tenant_id, id)
);
create index payment_plan_account_idx on payment_plan (tenant_id, account_id);
create index payment_plan_custom_idx on payment_plan using gin (custom jsonb_path_ops);
-- one live plan per contract or order: two would each claim the whole amount
create unique index payment_plan_contract_uq on payment_plan (tenant_id, contract_id)
  where contract_id is not null and deleted_at is null and status <> 'cancelled';
create unique index payment_plan_order_uq on payment_plan (tenant_id, order_id)
  where order_id is not null and deleted_at is null and status <> 'cancelled';

create table payment_instalment (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  plan_id uuid not null,
  seq int not null check (seq > 0),
  due_date date not null,
  amount bigint not null check (amount > 0),
  -- the last line of defence against over-allocation (the service checks under row locks first)
  paid_amount bigint not null default 0 check (paid_amount >= 0 and paid_amount <= amount),
  -- the percent the plan was given in, when it was planned by percent
  percent numeric(7, 4),
  note text,
  status text not null default 'planned' check (status in ('planned', 'partially_paid', 'paid', 'overdue')),
  reminded_before_at timestamptz,
  reminded_after_at timestamptz,
  -- the largest "days after due" reminder sent (1, then 7 …), so each is sent once
  reminded_after_days int,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, plan_id, seq),
  foreign key (tenant_id, plan_id) references payment_plan(tenant_id, id) on delete cascade
);
create index payment_instalment_open_idx on payment_instalment (tenant_id, due_date) where paid_amount < amount;

create table payment (
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
  number text not null,
  account_id uuid not null,
  received_date date not null,
  amount bigint not null check (amount > 0),
  amount_currency char(3) not null,
  method text not null default 'bank_transfer' check (method in ('bank_transfer', 'cheque', 'cash', 'online', 'other')),
  payer text,
  bank_reference text,
  status text not null default 'unmatched' check (status in ('unmatched', 'partially_matched', 'matched', 'refunded')),
  -- amount = allocated + refunded + unallocated; unallocated money is the customer's credit
  unallocated_amount bigint not null default 0 check (unallocated_amount >= 0),
  unallocated_amount_currency char(3),
  refunded_amount bigint not null default 0 check (refunded_amount >= 0),
  refunded_amount_currency char(3),
  match_method text check (match_method in ('reference', 'amount', 'oldest', 'manual', 'none')),
  description text,
  primary key (tenant_id, id),
  unique (tenant_id, number),
  check (unallocated_amount + refunded_amount <= amount),
  foreign key (tenant_id, owner_id) references app_user(tenant_id, id),
  foreign key (tenant_id, account_id) references account(tenant_id, id)
);
create index payment_account_idx on payment (tenant_id, account_id, received_date);
create index payment_custom_idx on payment using gin (custom jsonb_path_ops);

create table payment_allocation (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  payment_id uuid not null,
  instalment_id uuid not null,
  amount bigint not null check (amount > 0),
  created_by uuid,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, payment_id, instalment_id),
  foreign key (tenant_id, payment_id) references payment(tenant_id, id) on delete cascade,
  foreign key (tenant_id, instalment_id) references payment_instalment(tenant_id, id)
);
create index payment_allocation_instalment_idx on payment_allocation (tenant_id, instalment_id);

-- Customer credit ledger: one row per change of a payment's unallocated money (+ left over when
-- received or released from instalments, − used by an allocation or refunded). An account's credit
-- balance is the sum of its rows, and equals Σ unallocated_amount of its payments.
create table customer_credit (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  account_id uuid not null,
  payment_id uuid not null,
  amount bigint not null check (amount <> 0),
  currency char(3) not null,
  reason text not null check (reason in ('received', 'allocated', 'released', 'refunded')),
  created_by uuid,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, account_id) references account(tenant_id, id),
  foreign key (tenant_id, payment_id) references payment(tenant_id, id) on delete cascade
);
create index customer_credit_account_idx on customer_credit (tenant_id, account_id);

-- Invoices: applied → issued (tax number assigned) → voided (only while not reconciled) or
-- reversed by a red-letter credit invoice (negative amounts, pointing at the original).
create table invoice (
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
  number text not null,
  account_id uuid not null,
  contract_id uuid,
  order_id uuid,
  type text not null default 'normal' check (type in ('normal', 'credit')),
  original_invoice_id uuid,
  status text not null default 'applied' check (status in ('applied', 'in_approval', 'issued', 'voided', 'reversed')),
  -- the last approval's result: an invoice is issued once approved or when no process applies
  approval_status text check (approval_status in ('pending', 'approved', 'rejected', 'returned', 'withdrawn', 'not_required')),
  invoice_no text,
  issue_date date,
  -- tax included; the red-letter invoice carries the same amounts negated
  amount bigint not null,
  amount_currency char(3) not null,
  amount_excl_tax bigint not null,
  amount_excl_tax_currency char(3),
  tax_amount bigint not null,
  tax_amount_currency char(3),
  tax_rate numeric not null default 6 check (tax_rate >= 0 and tax_rate <= 100),
  -- Σ invoice_payment.amount, kept by the invoice service
  reconciled_amount bigint not null default 0 check (reconciled_amount >= 0),
  reconciled_amount_currency char(3),
  buyer_title text,
  buyer_tax_id text,
  voided_at timestamptz,
  void_reason text,
  description text,
  primary key (tenant_id, id),
  unique (tenant_id, number),
  check (amount = amount_excl_tax + tax_amount),
  check ((type = 'normal' and amount > 0 and original_invoice_id is null)
      or (type = 'credit' and amount < 0 and original_invoice_id is not null)),
  check (not (contract_id is not null and order_id is not null)),
  check (reconciled_amount <= abs(amount)),
  foreign key (tenant_id, owner_id) references app_user(tenant_id, id),
  foreign key (tenant_id, account_id) references account(tenant_id, id),
  foreign key (tenant_id, contract_id) references contract(tenant_id, id),
  foreign key (tenant_id, order_id) references sales_order(tenant_id, id),
  foreign key (tenant_id, original_invoice_id) references invoice(tenant_id, id)
);
create index invoice_account_idx on invoice (tenant_id, account_id);
create index invoice_custom_idx on invoice using gin (custom jsonb_path_ops);
create unique index invoice_no_uq on invoice (tenant_id, invoice_no) where invoice_no is not null;
-- one red-letter invoice per original
create unique index invoice_credit_uq on invoice (tenant_id, original_invoice_id) where type = 'credit';

create table invoice_payment (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  invoice_id uuid not null,
  payment_id uuid not null,
  amount bigint not null check (amount > 0),
  created_by uuid,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, invoice_id) references invoice(tenant_id, id),
  foreign key (tenant_id, payment_id) references payment(tenant_id, id)
);
create index invoice_payment_invoice_idx on invoice_payment (tenant_id, invoice_id);
create index invoice_payment_payment_idx on invoice_payment (tenant_id, payment_id);
