import { describe, expect, it } from 'vitest';
import { DEFAULT_HEALTH_MODEL, type HealthModel } from '../health-model.ts';
import { ALERT_TYPES, LEVELS } from '../objects.ts';
import {
  ALERT_TYPE_KEYS,
  LEVEL_KEYS,
  addMonthsIso,
  daysBetween,
  evaluateAlerts,
  maxLevel,
  type Alert,
  type AlertSnapshot,
  type DueInfo,
} from '../alerts.rules.ts';
import { describeAlert, renderSuccessDigest, workOrderSubject } from '../alert-text.rules.ts';

const m = DEFAULT_HEALTH_MODEL;
const AS_OF = '2026-11-30';

const snap = (over: Partial<AlertSnapshot> = {}): AlertSnapshot => ({
  score: 75,
  status: 'healthy',
  login_rate: 0.5,
  probability: 0.75,
  quotas: null,
  admin_user: 'admin@c',
  department_heads: ['张三', '李四'],
  ...over,
});

const run = (
  prev: AlertSnapshot | null,
  cur: AlertSnapshot,
  due: DueInfo | null = null,
  model: HealthModel = m,
  asOf = AS_OF,
): Alert[] => evaluateAlerts({ model, asOf, prev, cur, due });

const types = (a: Alert[]): string[] => a.map((x) => x.type).sort();
const only = (a: Alert[], type: string): Alert | undefined => a.find((x) => x.type === type);

describe('no change, no alert', () => {
  it('the same snapshot twice raises nothing', () => {
    expect(run(snap(), snap())).toEqual([]);
  });
  it('changes just under every threshold raise nothing', () => {
    // score −9.9, login −19.9% relative, probability −0.149, heads reordered
    expect(
      run(
        snap({ score: 75, login_rate: 0.5, probability: 0.75 }),
        snap({
          score: 75.1 - 10,
          login_rate: 0.5 * 0.801,
          probability: 0.601,
          department_heads: ['李四', '张三'],
        }),
      ),
    ).toEqual([]);
  });
});

describe('health up / down', () => {
  it('a drop of exactly 10 points within one status is health_down, mid', () => {
    const a = run(snap({ score: 80.3 }), snap({ score: 70.3, probability: 0.75 }));
    expect(a).toEqual([
      {
        type: 'health_down',
        level: 'mid',
        nature: 'malignant',
        detail: { from: 80.3, to: 70.3, change: -10, from_status: 'healthy', to_status: 'healthy' },
      },
    ]);
  });
  it('a drop of 9.9 points within one status is nothing', () => {
    expect(only(run(snap({ score: 80 }), snap({ score: 70.1 })), 'health_down')).toBeUndefined();
  });
  it('a status downgrade with a small drop is health_down; high when now unhealthy', () => {
    const sub = run(snap({ score: 71 }), snap({ score: 69, status: 'sub_healthy' }));
    expect(only(sub, 'health_down')).toMatchObject({ level: 'mid', nature: 'malignant' });
    const un = run(snap({ score: 31, status: 'sub_healthy' }), snap({ score: 29, status: 'unhealthy' }));
    expect(only(un, 'health_down')).toMatchObject({ level: 'high', nature: 'malignant' });
  });
  it('a drop of ≥ 10 inside unhealthy is high (now unhealthy)', () => {
    const a = run(snap({ score: 25, status: 'unhealthy' }), snap({ score: 12, status: 'unhealthy' }));
    expect(only(a, 'health_down')?.level).toBe('high');
  });
  it('a delayed customer turned unhealthy with a higher score is still health_down (status decides)', () => {
    const a = run(snap({ score: 80, status: 'healthy' }), snap({ score: 92, status: 'unhealthy' }));
    expect(types(a)).toEqual(['health_down']);
    expect(only(a, 'health_down')).toMatchObject({ level: 'high', detail: { change: 12 } });
  });
  it('a rise of ≥ 10 or a status upgrade is health_up, benign low', () => {
    expect(
      only(
        run(snap({ score: 60, status: 'sub_healthy' }), snap({ score: 69.9, status: 'sub_healthy' })),
        'health_up',
      ),
    ).toBeUndefined();
    expect(
      only(
        run(snap({ score: 55, status: 'sub_healthy' }), snap({ score: 65, status: 'sub_healthy' })),
        'health_up',
      ),
    ).toEqual({
      type: 'health_up',
      level: 'low',
      nature: 'benign',
      detail: { from: 55, to: 65, change: 10, from_status: 'sub_healthy', to_status: 'sub_healthy' },
    });
    expect(
      only(
        run(snap({ score: 69, status: 'sub_healthy' }), snap({ score: 70, status: 'healthy' })),
        'health_up',
      ),
    ).toMatchObject({ level: 'low', nature: 'benign' });
  });
  it('the threshold is the model’s', () => {
    const tight = { ...m, alerts: { ...m.alerts, scoreChange: 5 } };
    expect(types(run(snap({ score: 80 }), snap({ score: 75 }), null, tight))).toEqual(['health_down']);
  });
  it('no_data on either side gives no health or activity alert', () => {
    const gone = snap({ score: null, status: 'no_data', login_rate: null, probability: null });
    expect(run(snap({ score: 90 }), gone)).toEqual([]);
    expect(run(gone, snap({ score: 90, login_rate: 0.9 }))).toEqual([]);
    // …even if both sides somehow carried a login rate
    expect(
      run(
        snap({ status: 'no_data', score: null, login_rate: 0.9 }),
        snap({ login_rate: 0.1, probability: 0.75 }),
      ),
    ).toEqual([]);
  });
  it('without last week only the alerts that need no comparison can be raised', () => {
    expect(run(null, snap({ score: 10, status: 'unhealthy', admin_user: 'x' }))).toEqual([]);
  });
});

describe('activity (login rate) up / down', () => {
  it('down by exactly 20% relative is activity_down, malignant mid', () => {
    expect(run(snap({ login_rate: 0.5 }), snap({ login_rate: 0.4 }))).toEqual([
      {
        type: 'activity_down',
        level: 'mid',
        nature: 'malignant',
        detail: { from: 0.5, to: 0.4, change: -0.2 },
      },
    ]);
  });
  it('relative, not absolute: 0.10 → 0.08 is −20%, 0.9 → 0.75 is −16.7%', () => {
    expect(types(run(snap({ login_rate: 0.1 }), snap({ login_rate: 0.08 })))).toEqual(['activity_down']);
    expect(run(snap({ login_rate: 0.9 }), snap({ login_rate: 0.75 }))).toEqual([]);
  });
  it('up by ≥ 20% is activity_up, benign low', () => {
    expect(run(snap({ login_rate: 0.5 }), snap({ login_rate: 0.6 }))).toEqual([
      { type: 'activity_up', level: 'low', nature: 'benign', detail: { from: 0.5, to: 0.6, change: 0.2 } },
    ]);
  });
  it('needs both weeks measured and a non-zero last week', () => {
    expect(run(snap({ login_rate: null }), snap({ login_rate: 0.1 }))).toEqual([]);
    expect(run(snap({ login_rate: 0.5 }), snap({ login_rate: null }))).toEqual([]);
    expect(run(snap({ login_rate: 0 }), snap({ login_rate: 0.5 }))).toEqual([]);
  });
  it('dropping to zero is −100%', () => {
    expect(only(run(snap({ login_rate: 0.3 }), snap({ login_rate: 0 })), 'activity_down')?.detail).toEqual({
      from: 0.3,
      to: 0,
      change: -1,
    });
  });
});

describe('renewal probability up / down', () => {
  it('down by 0.15 staying above the low tier is probability_down, mid', () => {
    expect(run(snap({ probability: 0.8 }), snap({ probability: 0.65 }))).toEqual([
      {
        type: 'probability_down',
        level: 'mid',
        nature: 'malignant',
        detail: { from: 0.8, to: 0.65, change: -0.15 },
      },
    ]);
  });
  it('crossing into the low tier (< 0.3) is high', () => {
    expect(
      only(run(snap({ probability: 0.4 }), snap({ probability: 0.25 })), 'probability_down')?.level,
    ).toBe('high');
    // exactly at the tier is still mid (not low); already low before is not a crossing
    expect(
      only(run(snap({ probability: 0.45 }), snap({ probability: 0.3 })), 'probability_down')?.level,
    ).toBe('mid');
    expect(
      only(run(snap({ probability: 0.29 }), snap({ probability: 0.1 })), 'probability_down')?.level,
    ).toBe('mid');
  });
  it('up by ≥ 0.15 is probability_up, benign low; 0.149 is nothing', () => {
    expect(
      only(run(snap({ probability: 0.3 }), snap({ probability: 0.45 })), 'probability_up'),
    ).toMatchObject({
      level: 'low',
      nature: 'benign',
    });
    expect(run(snap({ probability: 0.3 }), snap({ probability: 0.449 }))).toEqual([]);
  });
  it('the low tier is the model’s', () => {
    const model = { ...m, probabilityTiers: { high: 0.8, mid: 0.5 } };
    expect(
      only(run(snap({ probability: 0.6 }), snap({ probability: 0.45 }), null, model), 'probability_down')
        ?.level,
    ).toBe('high');
  });
  it('needs both probabilities', () => {
    expect(run(snap({ probability: null }), snap({ probability: 0.1 }))).toEqual([]);
  });
  it('a score drop moves the default probability (score ÷ 100) too: both alerts', () => {
    expect(
      types(
        run(
          snap({ score: 80, probability: 0.8 }),
          snap({ score: 60, status: 'sub_healthy', probability: 0.6 }),
        ),
      ),
    ).toEqual(['health_down', 'probability_down']);
  });
});

describe('quota tight', () => {
  it('any quota at ≥ 90% is quota_tight, benign mid, listing the tight ones most used first', () => {
    const a = run(
      snap(),
      snap({
        quotas: {
          users: { used: 90, limit: 100 },
          bi: { used: 10, limit: 10 },
          objects: { used: 89, limit: 100 },
        },
      }),
    );
    expect(a).toEqual([
      {
        type: 'quota_tight',
        level: 'mid',
        nature: 'benign',
        detail: {
          quotas: [
            { key: 'bi', used: 10, limit: 10, ratio: 1 },
            { key: 'users', used: 90, limit: 100, ratio: 0.9 },
          ],
        },
      },
    ]);
  });
  it('89% or a zero limit is nothing; needs no last week', () => {
    expect(
      run(snap(), snap({ quotas: { users: { used: 89, limit: 100 }, x: { used: 5, limit: 0 } } })),
    ).toEqual([]);
    expect(types(run(null, snap({ quotas: { users: { used: 95, limit: 100 } } })))).toEqual(['quota_tight']);
  });
});

describe('key people', () => {
  it('a new admin is key_person_changed, malignant mid', () => {
    expect(run(snap({ admin_user: 'a' }), snap({ admin_user: 'b' }))).toEqual([
      {
        type: 'key_person_changed',
        level: 'mid',
        nature: 'malignant',
        detail: { admin_user: { from: 'a', to: 'b' } },
      },
    ]);
  });
  it('department heads compare as sets: added and removed are named', () => {
    expect(
      only(
        run(
          snap({ department_heads: ['张三', '李四'] }),
          snap({ department_heads: ['李四', '王五', '赵六'] }),
        ),
        'key_person_changed',
      )?.detail,
    ).toEqual({ department_heads: { added: ['王五', '赵六'], removed: ['张三'] } });
    expect(run(snap({ department_heads: ['a', 'b'] }), snap({ department_heads: ['b', 'a', 'a'] }))).toEqual(
      [],
    );
  });
  it('both changes in one alert', () => {
    expect(
      only(
        run(
          snap({ admin_user: 'a', department_heads: ['x'] }),
          snap({ admin_user: 'b', department_heads: [] }),
        ),
        'key_person_changed',
      )?.detail,
    ).toEqual({ admin_user: { from: 'a', to: 'b' }, department_heads: { added: [], removed: ['x'] } });
  });
  it('unknown on either side is no change', () => {
    expect(run(snap({ admin_user: null }), snap({ admin_user: 'b' }))).toEqual([]);
    expect(run(snap({ admin_user: 'a' }), snap({ admin_user: null }))).toEqual([]);
    expect(run(snap({ department_heads: null }), snap({ department_heads: ['x'] }))).toEqual([]);
  });
});

describe('order expiry without renewal', () => {
  const due = (due_date: string, status = 'upcoming'): DueInfo => ({ due_date, status });
  it('within 3 months → expiry_3m low; within 1 month → expiry_1m mid; passed → expired high', () => {
    expect(run(null, snap(), due('2027-02-28'))).toEqual([
      {
        type: 'expiry_3m',
        level: 'low',
        nature: 'malignant',
        detail: { due_date: '2027-02-28', status: 'upcoming', days_left: 90 },
      },
    ]);
    expect(run(null, snap(), due('2027-03-01'))).toEqual([]);
    expect(types(run(null, snap(), due('2026-12-30')))).toEqual(['expiry_1m']);
    expect(only(run(null, snap(), due('2026-12-30')), 'expiry_1m')?.level).toBe('mid');
    expect(types(run(null, snap(), due('2026-12-31')))).toEqual(['expiry_3m']);
    expect(run(null, snap(), due('2026-11-30', 'overdue'))).toEqual([
      {
        type: 'expired',
        level: 'high',
        nature: 'malignant',
        detail: { due_date: '2026-11-30', status: 'overdue', days_left: 0 },
      },
    ]);
    expect(only(run(null, snap(), due('2026-10-01', 'churned')), 'expired')?.detail).toMatchObject({
      days_left: -60,
    });
  });
  it('only the most severe of the three', () => {
    for (const d of ['2026-12-01', '2026-11-01', '2027-01-15'])
      expect(run(null, snap(), due(d, d < AS_OF ? 'overdue' : 'upcoming'))).toHaveLength(1);
  });
  it('renewed or adjusted due records raise nothing', () => {
    expect(run(null, snap(), due('2026-12-10', 'renewed'))).toEqual([]);
    expect(run(null, snap(), due('2026-10-10', 'adjusted'))).toEqual([]);
  });
  it('calendar months, clamped at month ends (31 Jan + 1 month = 28 Feb)', () => {
    expect(types(run(null, snap(), due('2027-02-28'), m, '2027-01-31'))).toEqual(['expiry_1m']);
    expect(types(run(null, snap(), due('2027-03-01'), m, '2027-01-31'))).toEqual(['expiry_3m']);
  });
  it('raised for no_data customers too (it needs no telemetry)', () => {
    expect(
      types(run(snap(), snap({ status: 'no_data', score: null, probability: null }), due('2026-12-05'))),
    ).toEqual(['expiry_1m']);
  });
});

describe('everything at once', () => {
  it('a customer falling apart raises every malignant type once', () => {
    const a = run(
      snap({ score: 72, status: 'healthy', login_rate: 0.8, probability: 0.72, admin_user: 'a' }),
      snap({
        score: 28,
        status: 'unhealthy',
        login_rate: 0.2,
        probability: 0.28,
        admin_user: 'b',
        quotas: { users: { used: 100, limit: 100 } },
      }),
      { due_date: '2026-12-15', status: 'upcoming' },
    );
    expect(a.map((x) => [x.type, x.level, x.nature])).toEqual([
      ['health_down', 'high', 'malignant'],
      ['activity_down', 'mid', 'malignant'],
      ['probability_down', 'high', 'malignant'],
      ['key_person_changed', 'mid', 'malignant'],
      ['quota_tight', 'mid', 'benign'],
      ['expiry_1m', 'mid', 'malignant'],
    ]);
  });
});

describe('helpers', () => {
  it('the rules know the same types and levels as the work_order object', () => {
    expect([...ALERT_TYPE_KEYS]).toEqual(ALERT_TYPES.map((o) => o.value));
    expect([...LEVEL_KEYS]).toEqual(LEVELS.map((o) => o.value));
  });
  it('maxLevel never lowers', () => {
    expect(maxLevel('low', 'high')).toBe('high');
    expect(maxLevel('high', 'mid')).toBe('high');
    expect(maxLevel('mid', 'low')).toBe('mid');
    expect(maxLevel('low', 'low')).toBe('low');
  });
  it('addMonthsIso and daysBetween', () => {
    expect(addMonthsIso('2026-11-30', 3)).toBe('2027-02-28');
    expect(addMonthsIso('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonthsIso('2026-03-15', -12)).toBe('2025-03-15');
    expect(addMonthsIso('2026-01-10', -1)).toBe('2025-12-10');
    expect(daysBetween('2026-11-30', '2027-02-28')).toBe(90);
    expect(daysBetween('2026-11-30', '2026-11-01')).toBe(-29);
  });
});

describe('words', () => {
  it('describes each kind in both languages', () => {
    expect(
      describeAlert(
        'health_down',
        { from: 80.3, to: 70.3, change: -10, from_status: 'healthy', to_status: 'healthy' },
        'zh-CN',
      ),
    ).toBe('健康分 80.3 → 70.3（−10.0），健康 → 健康');
    expect(
      describeAlert(
        'health_up',
        { from: 55, to: 70, change: 15, from_status: 'sub_healthy', to_status: 'healthy' },
        'en-US',
      ),
    ).toBe('Health score 55.0 → 70.0 (+15.0), sub-healthy → healthy');
    expect(describeAlert('activity_down', { from: 0.5, to: 0.4, change: -0.2 }, 'zh-CN')).toBe(
      '登录率 50% → 40%（相对变化 −20.0%）',
    );
    expect(describeAlert('probability_down', { from: 0.4, to: 0.25, change: -0.15 }, 'en-US')).toBe(
      'Renewal probability 40% → 25% (−15.0 points)',
    );
    expect(
      describeAlert(
        'quota_tight',
        { quotas: [{ key: 'users', used: 95, limit: 100, ratio: 0.95 }] },
        'zh-CN',
      ),
    ).toBe('资源即将用尽：users 95/100（95%）');
    expect(
      describeAlert(
        'quota_tight',
        { quotas: [{ key: 'users', used: 95, limit: 100, ratio: 0.95 }] },
        'en-US',
      ),
    ).toBe('Quota nearly used: users 95/100 (95%)');
    expect(
      describeAlert(
        'key_person_changed',
        { admin_user: { from: 'a', to: 'b' }, department_heads: { added: ['王五'], removed: [] } },
        'zh-CN',
      ),
    ).toBe('关键人变更：管理员 a → b；部门负责人新增 王五');
    expect(describeAlert('expiry_3m', { due_date: '2027-02-28', days_left: 90 }, 'zh-CN')).toBe(
      '应续日期 2027-02-28，还有 90 天，尚未续费',
    );
    expect(describeAlert('expired', { due_date: '2026-11-01', days_left: -29 }, 'en-US')).toBe(
      'Due 2026-11-01, 29 days ago, not renewed',
    );
  });
  it('subjects name the customer and the alert', () => {
    expect(workOrderSubject('华东科技', 'health_down', 'zh-CN')).toBe('华东科技：健康度下降');
    expect(workOrderSubject('Acme', 'expired', 'en-US')).toBe('Acme: Expired, not renewed');
  });
  it('the digest lists overdue first, then new alerts and open work orders, with counts in the title', () => {
    const d = renderSuccessDigest('zh-CN', {
      week_start: '2026-11-23',
      as_of: '2026-11-30',
      alerts: [
        {
          account_name: '甲',
          type: 'activity_up',
          level: 'low',
          nature: 'benign',
          detail: { from: 0.5, to: 0.6, change: 0.2 },
        },
      ],
      open: [
        { subject: '乙：已到期未续', level: 'high', status: 'open', due_date: '2026-11-27', times_raised: 2 },
        {
          subject: '丙：健康度下降',
          level: 'mid',
          status: 'in_progress',
          due_date: '2026-12-07',
          times_raised: 1,
        },
      ],
    });
    expect(d.title).toBe('客户成功周报（2026-11-23 周）：新预警 1 条，待办工单 2 个，逾期 1 个');
    expect(d.body.split('\n')).toEqual([
      '【逾期工单 1】',
      '· [高] 乙：已到期未续  截止 2026-11-27  已预警 2 次',
      '',
      '【本周新预警 1】',
      '· [低/良性] 甲  活跃度上升：登录率 50% → 60%（相对变化 +20.0%）',
      '',
      '【待办工单 2】',
      '· [高] 乙：已到期未续  截止 2026-11-27  已预警 2 次',
      '· [中] 丙：健康度下降  截止 2026-12-07',
    ]);
    const en = renderSuccessDigest('en-US', {
      week_start: '2026-11-23',
      as_of: '2026-11-30',
      alerts: [],
      open: [],
    });
    expect(en.title).toBe(
      'Customer success weekly (week of 2026-11-23): 0 new alerts, 0 open work orders, 0 overdue',
    );
    expect(en.body).toContain('· none');
  });
});
