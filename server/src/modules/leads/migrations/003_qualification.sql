-- Qualification stages (DOMAIN.md §1: new → contacted → qualified (MQL, then SQL) → converted).
-- A level next to the status, not a status: a qualified lead is still pending / in progress for
-- the pool timers. qualified_at is when it was first qualified (kept from MQL to SQL).
alter table lead
  add column qualification text check (qualification in ('mql', 'sql')),
  add column qualified_at timestamptz;
