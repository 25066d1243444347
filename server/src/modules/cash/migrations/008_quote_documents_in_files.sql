-- Quote PDFs move to the platform file store (platform/files): a PDF stored with a quote version
-- (`POST /quotes/{id}/pdf/attach`, every send) is also an attachment of the quote, so people find
-- and download it in the record's attachments panel. quote_document keeps naming the documents
-- of each version and points at the attachment; its bytes column stays for the rows stored
-- before this migration (they are served from it) and is empty for new ones.
alter table quote_document add column attachment_id uuid;
alter table quote_document alter column bytes drop not null;
alter table quote_document
  add constraint quote_document_bytes_or_file check (bytes is not null or attachment_id is not null);
alter table quote_document
  add constraint quote_document_attachment_fk
  foreign key (tenant_id, attachment_id) references attachment(tenant_id, id);
