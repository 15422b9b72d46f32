// What every benchmark row is: repeated runs, min / median / max, a baseline measured in the same
// run, a target and a verdict. Loops are bounded; everything talks to 127.0.0.1 only.

export interface Sample { value: number; baseline?: number }

export interface RowSpec {
  name: string;
  unit: 'ms' | 'MB' | 'x' | 'calls/s';
  /** Human form of the target, e.g. "< 500 ms". */
  target: string;
  /** Verdict on the median (value, or value/baseline when `ratio`). */
  pass: (median: number) => boolean;
  /** Compare value / baseline instead of the value. */
  ratio?: boolean;
  runs: number;
  measure: (run: number) => Promise<Sample>;
  note?: string;
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
  verdict: 'PASS' | 'MISS';
  note?: string;
}

function median(xs: number[]): number {
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
  return {
    name: spec.name, unit: spec.unit, target: spec.target, runs: spec.runs,
    min: Math.min(...values), median: med, max: Math.max(...values),
    ...(baselineMedian !== undefined && { baselineMedian }), judged,
    verdict: spec.pass(judged) ? 'PASS' : 'MISS', ...(spec.note && { note: spec.note }),
  };
}

const fmt = (n: number): string => (Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2));

export function table(rows: Row[]): string {
  const head = ['measure', 'runs', 'min', 'median', 'max', 'baseline', 'judged', 'target', 'verdict'];
  const body = rows.map((r) => [r.name, String(r.runs), `${fmt(r.min)} ${r.unit}`, `${fmt(r.median)} ${r.unit}`, `${fmt(r.max)} ${r.unit}`,
    r.baselineMedian === undefined ? '-' : `${fmt(r.baselineMedian)} ${r.unit}`, fmt(r.judged), r.target, r.verdict]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}
