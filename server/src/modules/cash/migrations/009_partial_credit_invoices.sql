-- Partial red-letter invoices (红字发票): an issued invoice may be credited several times, in
-- part, up to its amount (the invoice service checks the sum under a lock on the original), so
-- the one-credit-note-per-original rule goes; credit notes are still looked up by original.
drop index invoice_credit_uq;
create index invoice_credit_idx on invoice (tenant_id, original_invoice_id) where type = 'credit';
