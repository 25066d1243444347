import { describe, expect, it } from 'vitest';
import { callbackState, feedbackOf } from './feedback-logic';

const base = {
  id: 'r1',
  version: 2,
  kind: 'nps',
  score: 3,
  category: 'detractor',
  comment: '系统经常卡顿',
  round: '2026-11',
  submitted_at: '2026-11-20T02:00:00Z',
  key_user: true,
  light_id: null,
  callback_task_id: null,
  callback_outcome: null,
  _expand: { contact_id: { name: '王芳' } },
};

describe('feedback', () => {
  it('reads a survey_response record with its contact name', () => {
    expect(feedbackOf(base)).toMatchObject({
      kind: 'nps',
      score: 3,
      contactName: '王芳',
      keyUser: true,
      comment: '系统经常卡顿',
      lightId: null,
    });
    expect(feedbackOf({ ...base, kind: 'csat', comment: '', _expand: null })).toMatchObject({
      kind: 'csat',
      comment: null,
      contactName: null,
    });
  });

  it('walks the call-back: no light → none, light open → waiting, task → due, outcome → done', () => {
    expect(callbackState(feedbackOf(base))).toBe('none');
    expect(callbackState(feedbackOf({ ...base, light_id: 'l1' }))).toBe('waiting');
    expect(callbackState(feedbackOf({ ...base, light_id: 'l1', callback_task_id: 't1' }))).toBe('due');
    expect(
      callbackState(
        feedbackOf({
          ...base,
          light_id: 'l1',
          callback_task_id: 't1',
          callback_outcome: '已回访，问题已解决',
        }),
      ),
    ).toBe('done');
  });
});
