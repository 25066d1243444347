-- Normalised company name (legal suffixes, width, case, regions stripped) for duplicate checks.
alter table account add column name_norm text;
create index account_name_norm_trgm_idx on account using gin (name_norm gin_trgm_ops) with (fastupdate = off);
create index contact_mobile_idx on contact (tenant_id, mobile);
create index contact_email_idx on contact (tenant_id, email);
