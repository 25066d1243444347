// The health model as the settings form edits it, and back. Pure. Field names stay the API's, so a
// server issue on `alerts.loginChange` lands on the same form item; only the units differ where a
// person thinks differently: money in yuan (the API stores fen), shares in percent.
import { yuanToFen } from '../format/money';
import { BANDED, clean, fieldPath, type BandedDimension, type Dimension } from './logic';

export interface Band {
  min: number;
  score: number;
}

/** The API's model (GET/PUT /api/v1/success/health-model). */
export interface HealthModelBody {
  weights: Record<Dimension, number>;
  modulePoints: Record<string, number>;
  fullScorePoints: number;
  bands: Record<BandedDimension, Band[]>;
  windowWeeks: number;
  healthyMin: number;
  unhealthyBelow: number;
  alerts: {
    scoreChange: number;
    loginChange: number;
    probabilityChange: number;
    quotaUsed: number;
    dueDays: { high: number; mid: number; low: number };
  };
  valueTiers: { large: number; mid: number };
  probabilityTiers: { high: number; mid: number };
  incentive: { mrrRate: number; coefficients: { min: number; coefficient: number }[] };
}

export interface ModelForm extends Omit<HealthModelBody, 'modulePoints'> {
  /** rows so a person can add one and rename a key; in the API an object */
  modulePoints: { key: string; points: number }[];
}

export const MODULE_KEY = /^[a-z][a-z0-9_]{0,62}$/;

const pct = (v: number): number => clean(v * 100);
const share = (v: number): number => clean(v / 100);
const byMinDesc = <T extends { min: number }>(rows: readonly T[]): T[] =>
  [...rows].sort((a, b) => b.min - a.min);

/** The API's model as form values: yuan for the value tiers, percent for the shares. */
export function modelToForm(m: HealthModelBody): ModelForm {
  return {
    ...m,
    modulePoints: Object.entries(m.modulePoints).map(([key, points]) => ({ key, points })),
    bands: Object.fromEntries(BANDED.map((d) => [d, byMinDesc(m.bands[d])])) as Record<
      BandedDimension,
      Band[]
    >,
    alerts: { ...m.alerts, loginChange: pct(m.alerts.loginChange), quotaUsed: pct(m.alerts.quotaUsed) },
    valueTiers: { large: m.valueTiers.large / 100, mid: m.valueTiers.mid / 100 },
    incentive: {
      ...m.incentive,
      mrrRate: pct(m.incentive.mrrRate),
      coefficients: byMinDesc(m.incentive.coefficients),
    },
  };
}

/** Form values as the API's model (fen, shares as decimals, module points as an object). */
export function formToModel(f: ModelForm): HealthModelBody {
  return {
    ...f,
    modulePoints: Object.fromEntries(f.modulePoints.map((r) => [r.key.trim(), r.points])),
    bands: Object.fromEntries(BANDED.map((d) => [d, byMinDesc(f.bands[d])])) as Record<
      BandedDimension,
      Band[]
    >,
    alerts: { ...f.alerts, loginChange: share(f.alerts.loginChange), quotaUsed: share(f.alerts.quotaUsed) },
    valueTiers: {
      large: yuanToFen(f.valueTiers.large) ?? 0,
      mid: yuanToFen(f.valueTiers.mid) ?? 0,
    },
    incentive: {
      mrrRate: share(f.incentive.mrrRate),
      coefficients: byMinDesc(f.incentive.coefficients),
    },
  };
}

/** Why a band table cannot be saved: no band starting at 0, or two starting at the same value. */
export function bandProblem(
  rows: readonly { min: number | null }[],
): 'needs_zero_band' | 'duplicate_min' | null {
  const mins = rows.map((r) => r.min).filter((m): m is number => m !== null && m !== undefined);
  if (!mins.includes(0)) return 'needs_zero_band';
  if (new Set(mins).size !== mins.length) return 'duplicate_min';
  return null;
}

/** Why a module key cannot be saved (format, or used twice), or null. */
export function moduleKeyProblem(key: string, all: readonly string[]): 'format' | 'duplicate' | null {
  const k = key.trim();
  if (!MODULE_KEY.test(k)) return 'format';
  if (all.filter((x) => x.trim() === k).length > 1) return 'duplicate';
  return null;
}

/**
 * Where a server issue belongs in the form: the same path, except module points, which the API
 * names by key (`modulePoints.crm_x`) and the form holds as rows. `weights` itself (the sum) has
 * no item of its own: null, and the page shows it beside the live sum.
 */
export function formPathOf(field: string, form: Pick<ModelForm, 'modulePoints'>): (string | number)[] | null {
  const path = fieldPath(field);
  if (path.length === 1 && path[0] === 'weights') return null;
  if (path[0] === 'modulePoints' && typeof path[1] === 'string') {
    const key = path[1];
    const i = form.modulePoints.findIndex((r) => r.key.trim() === key);
    if (i < 0) return ['modulePoints'];
    return ['modulePoints', i, MODULE_KEY.test(key) ? 'points' : 'key'];
  }
  return path;
}
