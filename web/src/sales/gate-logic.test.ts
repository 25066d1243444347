import { describe, expect, it } from 'vitest';
import type { StageGate } from './api';
import { blockers, classifyMissing, moveRequest, planGate, problemsFromError } from './gate-logic';

const gate = (over: Partial<StageGate>): StageGate => ({
  from: 'solution',
  to: 'negotiation',
  allowed: false,
  required_fields: [],
  required_activities: [],
  missing: [],
  close_reasons: null,
  ...over,
});

describe('classifyMissing', () => {
  it('sorts fields, activities, reasons and rules', () => {
    expect(
      classifyMissing([
        { field: 'amount', code: 'required' },
        { field: 'activities.demo', code: 'activity_required' },
        { field: 'close_reason', code: 'required' },
        { field: 'stage', code: 'no_skip' },
      ]),
    ).toEqual([
      { kind: 'field', field: 'amount' },
      { kind: 'activity', type: 'demo' },
      { kind: 'reason' },
      { kind: 'rule', code: 'no_skip' },
    ]);
  });
});

describe('planGate and blockers', () => {
  it('a missing demo blocks; filling fields cannot fix it', () => {
    const plan = planGate(
      gate({ missing: [{ field: 'activities.demo', code: 'activity_required' }] }),
      'active',
    );
    expect(plan.activities).toEqual(['demo']);
    expect(blockers(plan, { values: {}, reason: null, note: '' })).toEqual([
      { kind: 'activity', type: 'demo' },
    ]);
  });

  it('missing fields block until filled in the dialog', () => {
    const plan = planGate(
      gate({
        missing: [
          { field: 'amount', code: 'required' },
          { field: 'close_date', code: 'required' },
        ],
      }),
      'active',
    );
    expect(plan.fields).toEqual(['amount', 'close_date']);
    expect(
      blockers(plan, { values: { amount: { amount: 100, currency: 'CNY' } }, reason: null, note: '' }),
    ).toEqual([{ kind: 'field', field: 'close_date' }]);
    expect(
      blockers(plan, {
        values: { amount: { amount: 100, currency: 'CNY' }, close_date: '2026-12-01' },
        reason: null,
        note: '',
      }),
    ).toEqual([]);
  });

  it('lost needs a reason from the configured list', () => {
    const plan = planGate(
      gate({
        to: 'lost',
        close_reasons: ['价格因素'],
        missing: [{ field: 'close_reason', code: 'required' }],
      }),
      'lost',
    );
    expect(plan.needsReason).toBe(true);
    expect(plan.fields).toEqual([]);
    expect(plan.reasons).toEqual(['价格因素']);
    expect(blockers(plan, { values: {}, reason: null, note: '' })).toEqual([{ kind: 'reason' }]);
    expect(blockers(plan, { values: {}, reason: '价格因素', note: '' })).toEqual([]);
  });

  it('rule violations always block', () => {
    const plan = planGate(gate({ missing: [{ field: 'stage', code: 'no_back' }] }), 'active');
    expect(blockers(plan, { values: {}, reason: null, note: '' })).toEqual([
      { kind: 'rule', code: 'no_back' },
    ]);
  });
});

describe('moveRequest', () => {
  it('a plain move is POST …/stage', () => {
    const plan = planGate(gate({ allowed: true }), 'active');
    expect(moveRequest('negotiation', plan, { values: {}, reason: null, note: '' })).toEqual({
      kind: 'stage',
      body: { stage: 'negotiation' },
    });
  });
  it('a lost move carries the reason and a trimmed note', () => {
    const plan = planGate(gate({ to: 'lost', close_reasons: ['价格因素'] }), 'lost');
    expect(moveRequest('lost', plan, { values: {}, reason: '价格因素', note: '  太贵 ' })).toEqual({
      kind: 'stage',
      body: { stage: 'lost', close_reason: '价格因素', close_note: '太贵' },
    });
  });
  it('inline fields go with the stage in one PATCH', () => {
    const plan = planGate(gate({ missing: [{ field: 'close_date', code: 'required' }] }), 'active');
    expect(
      moveRequest('negotiation', plan, { values: { close_date: '2026-12-01' }, reason: null, note: '' }),
    ).toEqual({
      kind: 'patch',
      body: { close_date: '2026-12-01', stage: 'negotiation' },
    });
  });
});

describe('problemsFromError', () => {
  it('keeps the server messages for the refusal list', () => {
    const out = problemsFromError([
      { field: 'activities.demo', issue: '需要先记录「产品演示」跟进', code: 'activity_required' },
    ]);
    expect(out.problems).toEqual([{ kind: 'activity', type: 'demo' }]);
    expect(out.messages).toEqual(['activities.demo: 需要先记录「产品演示」跟进']);
  });
});
