-- What a lead became, and the attribution links of accounts and contacts made from leads.
-- These links are history, not ownership: purging a record from the recycle bin clears them
-- (set null on the id column only; tenant_id stays).
alter table lead
  add column converted_account_id uuid,
  add column converted_contact_id uuid,
  add column converted_at timestamptz,
  add foreign key (tenant_id, converted_account_id) references account(tenant_id, id) on delete set null (converted_account_id),
  add foreign key (tenant_id, converted_contact_id) references contact(tenant_id, id) on delete set null (converted_contact_id);
alter table account
  add foreign key (tenant_id, campaign_id) references campaign(tenant_id, id) on delete set null (campaign_id),
  add foreign key (tenant_id, lead_id) references lead(tenant_id, id) on delete set null (lead_id);
alter table contact
  add foreign key (tenant_id, campaign_id) references campaign(tenant_id, id) on delete set null (campaign_id),
  add foreign key (tenant_id, lead_id) references lead(tenant_id, id) on delete set null (lead_id);
-- campaign ROI and "accounts from this campaign" look accounts up by campaign
create index account_campaign_idx on account (tenant_id, campaign_id) where campaign_id is not null;
