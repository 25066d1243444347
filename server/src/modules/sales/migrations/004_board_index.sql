-- The pipeline board reads the most recently updated deals of each stage: this index answers
-- each stage's first cards without sorting the pipeline (measured at 100,000 deals: 75 → 0.3 ms).
create index opportunity_board_idx on opportunity (tenant_id, pipeline_id, stage, updated_at desc, id desc)
  where deleted_at is null;
