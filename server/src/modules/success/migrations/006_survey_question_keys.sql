-- Extra-question keys are never reused within a survey (docs/ENGAGEMENT.md "Surveys (NPS and CSAT)"):
-- answers are stored by key, so a key that named a removed question must not name a new one. The
-- survey keeps its removed questions (their last definition) to refuse such keys, to number new
-- keys past every key ever used, and to label the removed questions' answers in the results.
alter table survey add column retired_questions jsonb not null default '[]'
  check (jsonb_typeof(retired_questions) = 'array');

-- Keys answered before this migration whose question is gone: removed questions of unknown label
-- (shown by their key) and type (text).
update survey s set retired_questions = x.retired
from (
  select k.tenant_id, k.survey_id,
    jsonb_agg(jsonb_build_object('key', k.key, 'label', k.key, 'type', 'text', 'required', false)
      order by k.key) as retired
  from (
    select distinct r.tenant_id, r.survey_id, jsonb_object_keys(r.answers) as key
    from survey_response r
    where jsonb_typeof(r.answers) = 'object'
  ) k
  join survey s2 on s2.tenant_id = k.tenant_id and s2.id = k.survey_id
  where not exists (select 1 from jsonb_array_elements(s2.questions) q where q->>'key' = k.key)
  group by k.tenant_id, k.survey_id
) x
where s.tenant_id = x.tenant_id and s.id = x.survey_id;
