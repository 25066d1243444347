-- NPS and CSAT surveys (DOMAIN.md §6.5, docs/ENGAGEMENT.md "Surveys (NPS and CSAT)").

-- A survey definition: NPS (0–10) or CSAT (1–5) with a comment and optional extra questions.
create table survey (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  owner_id uuid,
  created_by uuid,
  updated_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version int not null default 1,
  deleted_at timestamptz,
  custom jsonb not null default '{}',
  name text not null,
  kind text not null check (kind in ('nps', 'csat')),
  intro text,
  -- [{key, label, type: text|choice, options?: string[], required}] (checked by surveys.rules.ts)
  questions jsonb not null default '[]' check (jsonb_typeof(questions) = 'array'),
  status text not null default 'draft' check (status in ('draft', 'active', 'closed')),
  expires_days int not null default 14 check (expires_days between 1 and 365),
  -- only manual sending is wired now; journey_stage is for the lifecycle journeys
  trigger text not null default 'manual' check (trigger in ('manual', 'journey_stage')),
  primary key (tenant_id, id),
  foreign key (tenant_id, owner_id) references app_user(tenant_id, id)
);
create index survey_custom_idx on survey using gin (custom jsonb_path_ops);

-- One tokenised invitation per survey, round and contact. Only a SHA-256 of the link's random
-- secret is stored; the link carries tenant and invitation id so a lookup is a primary-key hit.
create table survey_invitation (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  survey_id uuid not null,
  round text not null check (btrim(round) <> '' and length(round) <= 40),
  account_id uuid not null,
  contact_id uuid not null,
  email text not null,
  locale text not null default 'zh-CN' check (locale in ('zh-CN', 'en-US')),
  token_hash text not null,
  mail_status text check (mail_status in ('sent', 'stored', 'failed')),
  sent_at timestamptz,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now(),
  created_by uuid,
  primary key (tenant_id, id),
  unique (tenant_id, survey_id, round, contact_id),
  foreign key (tenant_id, survey_id) references survey(tenant_id, id),
  foreign key (tenant_id, account_id) references account(tenant_id, id),
  foreign key (tenant_id, contact_id) references contact(tenant_id, id),
  foreign key (tenant_id, created_by) references app_user(tenant_id, id)
);
create index survey_invitation_account_idx on survey_invitation (tenant_id, account_id);

-- An answer (one per invitation). Owned by the customer's CSM (else the account owner) when it
-- came in; read-only through the generic API.
create table survey_response (
  tenant_id uuid not null references tenant(id),
  id uuid not null,
  owner_id uuid,
  created_by uuid,
  updated_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version int not null default 1,
  deleted_at timestamptz,
  custom jsonb not null default '{}',
  survey_id uuid not null,
  invitation_id uuid not null,
  round text not null,
  kind text not null check (kind in ('nps', 'csat')),
  account_id uuid not null,
  contact_id uuid not null,
  score int not null check (score between 0 and 10),
  comment text check (length(comment) <= 2000),
  answers jsonb not null default '{}',
  category text not null check (category in ('promoter', 'passive', 'detractor', 'satisfied', 'neutral',
    'dissatisfied')),
  key_user boolean not null default false,
  light_id uuid,
  submitted_at timestamptz not null default now(),
  callback_task_id uuid,
  callback_outcome text,
  callback_at timestamptz,
  callback_by uuid,
  primary key (tenant_id, id),
  unique (tenant_id, invitation_id),
  foreign key (tenant_id, owner_id) references app_user(tenant_id, id),
  foreign key (tenant_id, survey_id) references survey(tenant_id, id),
  foreign key (tenant_id, invitation_id) references survey_invitation(tenant_id, id),
  foreign key (tenant_id, account_id) references account(tenant_id, id),
  foreign key (tenant_id, contact_id) references contact(tenant_id, id),
  foreign key (tenant_id, light_id) references traffic_light(tenant_id, id),
  foreign key (tenant_id, callback_task_id) references task(tenant_id, id),
  foreign key (tenant_id, callback_by) references app_user(tenant_id, id)
);
create index survey_response_survey_idx on survey_response (tenant_id, survey_id, submitted_at);
create index survey_response_account_idx on survey_response (tenant_id, account_id, survey_id, round);
create index survey_response_custom_idx on survey_response using gin (custom jsonb_path_ops);

-- traffic_light.survey_response_id was left without a foreign key until this table existed
alter table traffic_light add constraint traffic_light_survey_response_fk
  foreign key (tenant_id, survey_response_id) references survey_response(tenant_id, id);
