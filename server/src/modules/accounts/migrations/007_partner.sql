-- The channel partner serving a customer (服务伙伴, DOMAIN.md §8): an account of type partner.
-- Renewal rates and ARR group by it (the partner segment).
alter table account add column partner_id uuid;
alter table account add constraint account_partner_fk foreign key (tenant_id, partner_id) references account(tenant_id, id);
create index account_partner_idx on account (tenant_id, partner_id) where partner_id is not null;
