import { describe, expect, it } from 'vitest';
import {
  boardColumns,
  hoursToDays,
  lightActions,
  linkProblem,
  missingAnswers,
  scaleValues,
  type LightColor,
  type LightReason,
  type LightStatus,
} from './lights-logic';

const light = (
  id: string,
  status: LightStatus,
  color: LightColor,
  reason: LightReason,
  escalation_level = 0,
  age_days = 0,
) => ({ id, status, color, reason, escalation_level, age_days });

describe('boardColumns', () => {
  const lights = [
    light('a', 'open', 'yellow', 'other', 0, 9),
    light('b', 'open', 'red', 'competitor', 0, 1),
    light('c', 'open', 'red', 'other', 2, 1),
    light('d', 'resolved', 'red', 'other'),
    light('e', 'open', 'red', 'other', 2, 5),
  ];
  it('puts each light in its status column, red then escalated then oldest first', () => {
    const cols = boardColumns(lights, { color: null, reason: null });
    expect(cols.open.map((l) => l.id)).toEqual(['e', 'c', 'b', 'a']);
    expect(cols.resolved.map((l) => l.id)).toEqual(['d']);
    expect(cols.closed).toEqual([]);
  });
  it('filters by colour and reason', () => {
    expect(boardColumns(lights, { color: 'yellow', reason: null }).open.map((l) => l.id)).toEqual(['a']);
    expect(boardColumns(lights, { color: 'red', reason: 'other' }).open.map((l) => l.id)).toEqual(['e', 'c']);
  });
});

describe('lightActions', () => {
  it('follows the lifecycle', () => {
    expect(lightActions('open')).toEqual(['schedule-meeting', 'action-plan', 'resolve']);
    expect(lightActions('action_plan')).toEqual(['action-plan', 'resolve']);
    expect(lightActions('resolved')).toEqual(['close', 'reopen']);
    expect(lightActions('closed')).toEqual(['reopen']);
  });
});

describe('survey page helpers', () => {
  it('lists the score buttons', () => {
    expect(scaleValues(0, 10)).toHaveLength(11);
    expect(scaleValues(1, 5)).toEqual([1, 2, 3, 4, 5]);
  });
  it('finds blank required answers', () => {
    const qs = [
      { key: 'a', required: true },
      { key: 'b', required: false },
      { key: 'c', required: true },
    ];
    expect(missingAnswers(qs, { a: ' ', c: 'x' })).toEqual(['a']);
  });
  it('names why a link fails', () => {
    expect(linkProblem(404, 'survey_link_not_found')).toBe('unknown');
    expect(linkProblem(409, 'survey_link_used')).toBe('used');
    expect(linkProblem(410, 'survey_link_expired')).toBe('expired');
    expect(linkProblem(410, 'survey_closed')).toBe('closed');
    expect(linkProblem(500, 'x')).toBe('other');
  });
  it('turns hours into days', () => {
    expect(hoursToDays(36)).toBe(1.5);
    expect(hoursToDays(null)).toBeNull();
  });
});
