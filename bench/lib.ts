/** Timing helpers: every benchmark reports Flywheel beside the bare-pg way, same run. */
export interface Stats {
  median: number;
  p95: number;
  n: number;
}

export async function time(
  fn: () => Promise<unknown>,
  iterations: number,
  warmup = Math.min(10, iterations),
): Promise<Stats> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number): number =>
    samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? 0;
  return { median: at(0.5), p95: at(0.95), n: samples.length };
}

/**
 * Times two ways of doing the same work, alternating them call by call, so cache warmth and
 * machine noise hit both alike.
 */
export async function compare(
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
  iterations: number,
  warmup = Math.min(10, iterations),
): Promise<[Stats, Stats]> {
  for (let i = 0; i < warmup; i++) {
    await a();
    await b();
  }
  const sa: number[] = [];
  const sb: number[] = [];
  for (let i = 0; i < iterations; i++) {
    for (const [fn, out] of i % 2 === 0
      ? ([
          [a, sa],
          [b, sb],
        ] as const)
      : ([
          [b, sb],
          [a, sa],
        ] as const)) {
      const t0 = process.hrtime.bigint();
      await fn();
      out.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
  return [stats(sa), stats(sb)];
}

function stats(samples: number[]): Stats {
  samples.sort((x, y) => x - y);
  const at = (q: number): number =>
    samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? 0;
  return { median: at(0.5), p95: at(0.95), n: samples.length };
}

export interface Row {
  name: string;
  unit: string;
  flywheel: number;
  raw: number;
  /** flywheel / raw for latencies; raw / flywheel share for throughput is given separately. */
  ratio: number;
  note?: string;
}

export function latencyRow(name: string, fw: Stats, raw: Stats, note?: string): Row {
  return {
    name,
    unit: 'ms (median)',
    flywheel: fw.median,
    raw: raw.median,
    ratio: fw.median / raw.median,
    ...(note ? { note } : {}),
  };
}

export function throughputRow(name: string, fwPerSec: number, rawPerSec: number, note?: string): Row {
  return {
    name,
    unit: 'rows/s',
    flywheel: fwPerSec,
    raw: rawPerSec,
    ratio: fwPerSec / rawPerSec,
    ...(note ? { note } : {}),
  };
}

export function table(rows: Row[]): string {
  const fmt = (n: number): string => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
  const lines = ['| benchmark | unit | Flywheel | raw pg | ratio | note |', '|---|---|---:|---:|---:|---|'];
  for (const r of rows)
    lines.push(
      `| ${r.name} | ${r.unit} | ${fmt(r.flywheel)} | ${fmt(r.raw)} | ${r.ratio.toFixed(2)}× | ${r.note ?? ''} |`,
    );
  return lines.join('\n');
}
