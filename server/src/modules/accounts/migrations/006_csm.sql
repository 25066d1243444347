-- The customer's success manager (客户成功经理, DOMAIN.md §6): who serves the customer after the
-- sale. Health alerts open warning work orders for this user; renewal rates and ARR group by it.
alter table account add column csm_id uuid;
alter table account add constraint account_csm_fk foreign key (tenant_id, csm_id) references app_user(tenant_id, id);
create index account_csm_idx on account (tenant_id, csm_id) where csm_id is not null;
