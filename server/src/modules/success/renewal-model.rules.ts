/**
 * The renewal-probability model (docs/HEALTH.md "Renewal-probability model"), pure: an
 * L2-regularised logistic regression over standardised features, fitted by Newton's method
 * (iteratively reweighted least squares) with step halving, and the measures it is judged by —
 * rank AUC, accuracy at 0.5, calibration in ten bins — plus the top factors of one prediction.
 *
 * Written here rather than taken from npm: the one maintained package (ml-logistic-regression 2.0)
 * runs a fixed number of unregularised, un-normalised gradient steps with no intercept and no
 * convergence test — on separable data its weights grow without bound and its answer depends on
 * the step count. Newton on the penalised likelihood is deterministic, converges in ~10 steps for
 * a dozen features and always has a finite answer.
 */

/** The features, in the order of every vector; the names are what factors report. */
export const FEATURES = [
  'score',
  'module_usage',
  'instance_ratio',
  'activation_rate',
  'login_rate',
  'bi_usage',
  'trend_4w',
  'trend_13w',
  'arr_log',
  'tenure_months',
  'open_work_orders',
  'lights_90d',
  'nps_answered',
  'nps_mean',
] as const;
export type Feature = (typeof FEATURES)[number];

/** What one customer looked like on a day, from its health history and the other modules. */
export interface FeatureInput {
  score: number;
  /** dimension scores 0–100 (a missing dimension counts 0) */
  dimensions: Partial<Record<string, number>>;
  /** the score 4 and 13 weeks before (null when there was no scored week then) */
  score4wAgo: number | null;
  score13wAgo: number | null;
  /** ARR in base-currency minor units (fen) */
  arr: number;
  tenureMonths: number;
  openWorkOrders: number;
  /** traffic lights raised on the customer in the 90 days before the day */
  lights90d: number;
  /** mean NPS answer (0–10) of the customer's contacts in the year before the day; null without one */
  npsMean: number | null;
}

/**
 * The feature vector (FEATURES order): trends are 0 when the earlier score is missing; ARR as
 * log1p(yuan); a customer nobody answered a survey for has nps_answered 0 and nps_mean 0 — the
 * indicator lets the model tell "no answer" from "answered 0".
 */
export function featureVector(f: FeatureInput): number[] {
  const dim = (k: string): number => f.dimensions[k] ?? 0;
  return [
    f.score,
    dim('module_usage'),
    dim('instance_ratio'),
    dim('activation_rate'),
    dim('login_rate'),
    dim('bi_usage'),
    f.score4wAgo === null ? 0 : f.score - f.score4wAgo,
    f.score13wAgo === null ? 0 : f.score - f.score13wAgo,
    Math.log1p(Math.max(0, f.arr) / 100),
    Math.max(0, f.tenureMonths),
    Math.max(0, f.openWorkOrders),
    Math.max(0, f.lights90d),
    f.npsMean === null ? 0 : 1,
    f.npsMean ?? 0,
  ];
}

export interface LogisticModel {
  features: string[];
  /** per feature: mean and (population) standard deviation of the training data; 1 when constant */
  means: number[];
  scales: number[];
  /** weights on the standardised features, and the intercept */
  weights: number[];
  intercept: number;
  /** L2 penalty on the weights (not the intercept) */
  lambda: number;
  iterations: number;
  converged: boolean;
}

export interface FitOptions {
  lambda?: number;
  maxIterations?: number;
  /** converged when no coefficient moves more than this in a step */
  tolerance?: number;
}

export const sigmoid = (z: number): number =>
  z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));

/** log(1 + e^z) without overflow. */
const softplus = (z: number): number => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));

function standardiser(x: number[][], d: number): { means: number[]; scales: number[] } {
  const n = x.length;
  const means = new Array<number>(d).fill(0);
  const scales = new Array<number>(d).fill(0);
  for (const row of x) for (let j = 0; j < d; j++) means[j] = (means[j] ?? 0) + (row[j] ?? 0) / n;
  for (const row of x)
    for (let j = 0; j < d; j++) scales[j] = (scales[j] ?? 0) + ((row[j] ?? 0) - (means[j] ?? 0)) ** 2 / n;
  // a constant feature carries no information: scale 1 keeps its standardised value at 0
  return { means, scales: scales.map((v) => (v > 1e-24 ? Math.sqrt(v) : 1)) };
}

/** Solves A·x = b (A symmetric positive definite here) by Gaussian elimination with partial pivoting. */
export function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i] ?? 0]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]?.[c] ?? 0) > Math.abs(m[p]?.[c] ?? 0)) p = r;
    const pivotRow = m[p];
    const cur = m[c];
    if (!pivotRow || !cur) throw new Error('solve: bad matrix');
    m[c] = pivotRow;
    m[p] = cur;
    const piv = pivotRow[c] ?? 0;
    if (Math.abs(piv) < 1e-300) throw new Error('solve: singular matrix');
    for (let r = c + 1; r < n; r++) {
      const row = m[r];
      if (!row) continue;
      const f = (row[c] ?? 0) / piv;
      if (f === 0) continue;
      for (let k = c; k <= n; k++) row[k] = (row[k] ?? 0) - f * (pivotRow[k] ?? 0);
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    const row = m[r] ?? [];
    let s = row[n] ?? 0;
    for (let k = r + 1; k < n; k++) s -= (row[k] ?? 0) * (x[k] ?? 0);
    x[r] = s / (row[r] ?? 1);
  }
  return x;
}

/**
 * Fits P(y = 1 | x) = σ(b + w·z), z the standardised x, minimising
 * Σ log(1 + e^η) − y·η + λ/2·|w|² by Newton steps (halved until the objective falls).
 * `x` rows follow `features`; `y` is 0/1. Deterministic: the same data gives the same model.
 */
export function fitLogistic(
  x: number[][],
  y: number[],
  features: readonly string[],
  opts: FitOptions = {},
): LogisticModel {
  const d = features.length;
  if (x.length === 0 || x.length !== y.length) throw new Error('fitLogistic: rows and labels differ');
  if (x.some((r) => r.length !== d)) throw new Error('fitLogistic: a row has the wrong width');
  const lambda = opts.lambda ?? 1;
  const maxIterations = opts.maxIterations ?? 100;
  const tolerance = opts.tolerance ?? 1e-9;
  const { means, scales } = standardiser(x, d);
  // design rows with a leading 1 for the intercept
  const z = x.map((row) => [1, ...row.map((v, j) => (v - (means[j] ?? 0)) / (scales[j] ?? 1))]);
  const k = d + 1;
  let beta = new Array<number>(k).fill(0);
  const eta = (b: number[], r: number[]): number => r.reduce((s, v, j) => s + v * (b[j] ?? 0), 0);
  const objective = (b: number[]): number => {
    let s = 0;
    z.forEach((r, i) => {
      const e = eta(b, r);
      s += softplus(e) - (y[i] ?? 0) * e;
    });
    for (let j = 1; j < k; j++) s += (lambda / 2) * (b[j] ?? 0) ** 2;
    return s;
  };
  let current = objective(beta);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    const grad = new Array<number>(k).fill(0);
    const hess = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    z.forEach((r, i) => {
      const p = sigmoid(eta(beta, r));
      const resid = p - (y[i] ?? 0);
      const w = p * (1 - p);
      for (let a = 0; a < k; a++) {
        const ra = r[a] ?? 0;
        grad[a] = (grad[a] ?? 0) + resid * ra;
        const h = hess[a] ?? [];
        for (let b = a; b < k; b++) h[b] = (h[b] ?? 0) + w * ra * (r[b] ?? 0);
      }
    });
    for (let a = 0; a < k; a++) {
      const h = hess[a] ?? [];
      for (let b = 0; b < a; b++) h[b] = hess[b]?.[a] ?? 0;
      // the intercept is not penalised; a tiny ridge keeps the matrix invertible when one class is rare
      h[a] = (h[a] ?? 0) + (a === 0 ? 1e-9 : lambda);
      if (a > 0) grad[a] = (grad[a] ?? 0) + lambda * (beta[a] ?? 0);
    }
    const step = solve(hess, grad);
    let t = 1;
    let next = beta.map((b, j) => b - (step[j] ?? 0));
    let value = objective(next);
    while (value > current + 1e-12 * Math.max(1, Math.abs(current)) && t > 1e-10) {
      t /= 2;
      next = beta.map((b, j) => b - t * (step[j] ?? 0));
      value = objective(next);
    }
    const moved = Math.max(...step.map((s) => Math.abs(t * s)));
    beta = next;
    current = Math.min(value, current);
    if (moved < tolerance) {
      converged = true;
      break;
    }
  }
  return {
    features: [...features],
    means,
    scales,
    weights: beta.slice(1),
    intercept: beta[0] ?? 0,
    lambda,
    iterations,
    converged,
  };
}

/** The standardised value of every feature of `x`. */
const standardised = (m: LogisticModel, x: number[]): number[] =>
  m.features.map((_, j) => ((x[j] ?? 0) - (m.means[j] ?? 0)) / (m.scales[j] || 1));

export function predictProbability(m: LogisticModel, x: number[]): number {
  const z = standardised(m, x);
  return sigmoid(z.reduce((s, v, j) => s + v * (m.weights[j] ?? 0), m.intercept));
}

export interface Factor {
  feature: string;
  /** weight × standardised value: its push on the log-odds of renewing */
  contribution: number;
  /** up: raises the renewal probability; down: lowers it */
  direction: 'up' | 'down';
}

/** The `k` features that push this prediction hardest (by |weight × standardised value|), ties by feature order. */
export function topFactors(m: LogisticModel, x: number[], k = 3): Factor[] {
  const z = standardised(m, x);
  return m.features
    .map((feature, j) => ({ feature, contribution: (m.weights[j] ?? 0) * (z[j] ?? 0), j }))
    .filter((f) => Math.abs(f.contribution) > 1e-12)
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || a.j - b.j)
    .slice(0, k)
    .map(({ feature, contribution }) => ({
      feature,
      contribution,
      direction: contribution > 0 ? ('up' as const) : ('down' as const),
    }));
}

/**
 * Area under the ROC curve by ranks (Mann–Whitney): the chance that a random renewed customer
 * scores above a random churned one, ties counting half. Null when either class is absent.
 */
export function auc(scores: number[], labels: number[]): number | null {
  if (scores.length !== labels.length) throw new Error('auc: scores and labels differ');
  const idx = scores.map((s, i) => ({ s, y: labels[i] === 1 ? 1 : 0 })).sort((a, b) => a.s - b.s);
  const pos = idx.filter((r) => r.y === 1).length;
  const neg = idx.length - pos;
  if (pos === 0 || neg === 0) return null;
  let rankSum = 0;
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1]?.s === idx[i]?.s) j++;
    // ranks i+1 … j+1 share their average
    const mid = (i + 1 + (j + 1)) / 2;
    for (let k = i; k <= j; k++) if (idx[k]?.y === 1) rankSum += mid;
    i = j + 1;
  }
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Share of predictions on the right side of 0.5 (≥ 0.5 predicts renewal). Null when empty. */
export function accuracy(probabilities: number[], labels: number[]): number | null {
  if (!probabilities.length) return null;
  let right = 0;
  probabilities.forEach((p, i) => {
    if ((p >= 0.5 ? 1 : 0) === (labels[i] === 1 ? 1 : 0)) right++;
  });
  return right / probabilities.length;
}

/** Mean squared error of the probabilities (lower is better). Null when empty. */
export function brier(probabilities: number[], labels: number[]): number | null {
  if (!probabilities.length) return null;
  return (
    probabilities.reduce((s, p, i) => s + (p - (labels[i] === 1 ? 1 : 0)) ** 2, 0) / probabilities.length
  );
}

export interface CalibrationBin {
  from: number;
  to: number;
  count: number;
  /** null when the bin is empty */
  mean_predicted: number | null;
  observed_rate: number | null;
}

/** Ten (or `bins`) equal-width bins over [0, 1]: how often customers predicted at p actually renewed. */
export function calibration(probabilities: number[], labels: number[], bins = 10): CalibrationBin[] {
  const sum = new Array<number>(bins).fill(0);
  const hits = new Array<number>(bins).fill(0);
  const count = new Array<number>(bins).fill(0);
  probabilities.forEach((p, i) => {
    // the top bin is closed: p = 1 belongs to [0.9, 1]
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p * bins)));
    sum[b] = (sum[b] ?? 0) + p;
    hits[b] = (hits[b] ?? 0) + (labels[i] === 1 ? 1 : 0);
    count[b] = (count[b] ?? 0) + 1;
  });
  return count.map((c, b) => ({
    from: b / bins,
    to: (b + 1) / bins,
    count: c,
    mean_predicted: c ? (sum[b] ?? 0) / c : null,
    observed_rate: c ? (hits[b] ?? 0) / c : null,
  }));
}

export interface Evaluation {
  n: number;
  positives: number;
  auc: number | null;
  accuracy: number | null;
  brier: number | null;
  calibration: CalibrationBin[];
}

export function evaluate(probabilities: number[], labels: number[]): Evaluation {
  return {
    n: labels.length,
    positives: labels.filter((l) => l === 1).length,
    auc: auc(probabilities, labels),
    accuracy: accuracy(probabilities, labels),
    brier: brier(probabilities, labels),
    calibration: calibration(probabilities, labels),
  };
}

/** The time split: sorted by due date, the earliest `share` train, the rest test. */
export function timeSplit<T extends { dueDate: string; key: string }>(
  examples: T[],
  share = 0.7,
): { train: T[]; test: T[] } {
  const sorted = [...examples].sort((a, b) =>
    a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0,
  );
  const cut = Math.floor(sorted.length * share);
  return { train: sorted.slice(0, cut), test: sorted.slice(cut) };
}
