-- Partner users (DOMAIN.md §8): a user may belong to a channel partner — an account of type
-- partner. Such a user reads the customers that partner serves (account.partner_id), their
-- contacts, work orders and traffic lights, and gets the warning work orders of those customers.
-- The column lives with accounts because it references the account table.
alter table app_user add column partner_account_id uuid;
alter table app_user add constraint app_user_partner_fk foreign key (tenant_id, partner_account_id) references account(tenant_id, id);
create index app_user_partner_idx on app_user (tenant_id, partner_account_id) where partner_account_id is not null;
