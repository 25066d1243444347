-- Attribution carried from a converted lead (source channel, campaign, UTM; the lead itself).
-- The foreign keys to campaign and lead are added by the leads module, whose tables come later.
alter table account
  add column source text,
  add column campaign_id uuid,
  add column utm_source text,
  add column utm_medium text,
  add column utm_campaign text,
  add column utm_term text,
  add column utm_content text,
  add column lead_id uuid;
alter table contact
  add column source text,
  add column campaign_id uuid,
  add column lead_id uuid;
