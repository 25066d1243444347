-- Attachments on any record (contract scans, signed PDFs, acceptance documents). The bytes live in
-- the file store (local disk under the data dir; S3-compatible later), this row says whose they are.
create table attachment (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  object text not null,
  record_id uuid not null,
  file_name text not null,
  content_type text not null,
  size_bytes bigint not null check (size_bytes >= 0),
  sha256 text not null,
  storage_key text not null,
  created_by uuid,
  created_at timestamptz not null default now(),
  deleted_at timestamptz,
  primary key (tenant_id, id),
  foreign key (tenant_id, created_by) references app_user(tenant_id, id)
);
create index attachment_record_idx on attachment (tenant_id, object, record_id, created_at desc);
