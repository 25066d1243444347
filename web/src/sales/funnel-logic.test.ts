import { describe, expect, it } from 'vitest';
import type { FunnelStep, SalesFunnel } from './forecast-api';
import { compareToTeam, conversionMatrix } from './funnel-logic';

const step = (stage: string, count: number, conversion: number | null): FunnelStep => ({
  stage,
  type: stage === 'won' ? 'won' : 'active',
  count,
  amounts: [],
  conversion,
});

describe('per-rep stage conversion against the team', () => {
  it('flags cells 10 points or more below the team as coaching, above as strong', () => {
    expect(compareToTeam(0.3, 0.5)).toBe('below');
    expect(compareToTeam(0.45, 0.5)).toBe('even');
    expect(compareToTeam(0.7, 0.5)).toBe('above');
    expect(compareToTeam(null, 0.5)).toBe('none');
  });
  it('builds one row per rep with a cell per step after the first', () => {
    const f: SalesFunnel = {
      from: '2026-04-01',
      to: '2026-06-30',
      time_zone: 'Asia/Shanghai',
      pipeline: null,
      stages: [],
      deals: 10,
      invalid: 0,
      win_rate: { won: 2, lost: 1, rate: 0.667 },
      average_cycle_days: 20,
      loss_reasons: [],
      pipeline_coverage: [],
      steps: [step('discovery', 10, null), step('solution', 5, 0.5), step('won', 2, 0.4)],
      by_owner: [
        {
          owner_id: 'a',
          owner_name: 'A',
          deals: 6,
          steps: [step('discovery', 6, null), step('solution', 2, 0.333), step('won', 2, 1)],
          win_rate: { won: 2, lost: 1, rate: 0.667 },
          average_cycle_days: 20,
        },
        {
          owner_id: 'b',
          owner_name: 'B',
          deals: 4,
          steps: [step('discovery', 4, null)],
          win_rate: { won: 0, lost: 0, rate: null },
          average_cycle_days: null,
        },
      ],
    };
    const m = conversionMatrix(f);
    expect(m[0]?.cells.map((c) => [c.stage, c.level])).toEqual([
      ['solution', 'below'],
      ['won', 'above'],
    ]);
    expect(m[1]?.cells.map((c) => c.level)).toEqual(['none', 'none']);
  });
});
