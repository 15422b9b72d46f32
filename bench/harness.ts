// What every benchmark row is: repeated runs, min / median / max, a baseline measured in the same
// run, a target and a verdict. Loops are bounded; everything talks to 127.0.0.1 only.

export interface Sample {
  value: number;
  baseline?: number;
  /** Other numbers of the same run, for the row's note (e.g. the total a difference came from). */
  extra?: Record<string, number>;
}

export interface RowSpec {
  name: string;
  unit: 'ms' | 'MB' | 'x' | 'calls/s';
  /** Human form of the target, e.g. "< 500 ms". */
  target: string;
  /** Verdict on the median (value, or value/baseline when `ratio`); none = reported only (INFO). */
  pass?: (median: number) => boolean;
  /** Compare value / baseline instead of the value. */
  ratio?: boolean;
  runs: number;
  measure: (run: number) => Promise<Sample>;
  /** Shown under the table; a function is given every sample once all runs are done. */
  note?: string | ((samples: Sample[]) => string);
}

export interface Row {
  name: string;
  unit: string;
  target: string;
  runs: number;
  min: number;
  median: number;
  max: number;
  baselineMedian?: number;
  /** The number the verdict is about. */
  judged: number;
  verdict: 'PASS' | 'MISS' | 'INFO' | 'ERROR';
  note?: string;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export async function runRow(spec: RowSpec): Promise<Row> {
  const samples: Sample[] = [];
  for (let i = 0; i < spec.runs; i++) samples.push(await spec.measure(i));
  const values = samples.map((s) => s.value);
  const baselines = samples.map((s) => s.baseline).filter((b): b is number => b !== undefined);
  const med = median(values);
  const baselineMedian = baselines.length > 0 ? median(baselines) : undefined;
  const judged = spec.ratio && baselineMedian ? median(samples.map((s) => s.value / (s.baseline ?? 1))) : med;
  const note = typeof spec.note === 'function' ? spec.note(samples) : spec.note;
  return {
    name: spec.name,
    unit: spec.unit,
    target: spec.target,
    runs: spec.runs,
    min: Math.min(...values),
    median: med,
    max: Math.max(...values),
    ...(baselineMedian !== undefined && { baselineMedian }),
    judged,
    verdict: !spec.pass ? 'INFO' : spec.pass(judged) ? 'PASS' : 'MISS',
    ...(note && { note }),
  };
}

/** A row that could not be measured: shown in the table with why, so the other rows still count. */
export function errorRow(name: string, err: unknown): Row {
  const note = err instanceof Error ? err.message.split('\n')[0] : String(err);
  return { name, unit: '-', target: '-', runs: 0, min: NaN, median: NaN, max: NaN, judged: NaN, verdict: 'ERROR', note };
}

/** The q-quantile (0..1) of xs, nearest rank. */
export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

/**
 * Several rows fed by one expensive measurement per run (e.g. p50, p99 and throughput of the same
 * calls): `pick(key)` is a row's measure; run i is measured once, whichever row asks first.
 */
export function sharedRuns<K extends string>(measure: (run: number) => Promise<Record<K, Sample>>): (key: K) => (run: number) => Promise<Sample> {
  const done = new Map<number, Promise<Record<K, Sample>>>();
  return (key) => async (run) => {
    let p = done.get(run);
    if (!p) done.set(run, (p = measure(run)));
    return (await p)[key];
  };
}

/** A benchmark: its rows, and what to tear down after them (servers, daemons, temp dirs). */
export interface Bench {
  rows: RowSpec[];
  cleanup(): Promise<void>;
}

const fmt = (n: number): string => (Number.isNaN(n) ? '-' : Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2));

export function table(rows: Row[]): string {
  const head = ['measure', 'runs', 'min', 'median', 'max', 'baseline', 'judged', 'target', 'verdict'];
  const cell = (n: number | undefined, unit: string): string => (n === undefined || Number.isNaN(n) ? '-' : `${fmt(n)} ${unit}`);
  const body = rows.map((r) => [
    r.name,
    String(r.runs),
    cell(r.min, r.unit),
    cell(r.median, r.unit),
    cell(r.max, r.unit),
    cell(r.baselineMedian, r.unit),
    fmt(r.judged),
    r.target,
    r.verdict,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

/** The median of one `extra` number over the samples that have it. */
export function extraMedian(samples: Sample[], key: string): number {
  return median(samples.map((s) => s.extra?.[key]).filter((x): x is number => x !== undefined));
}
