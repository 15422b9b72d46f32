// `npm run bench -- --curves`: cost against size. Each curve is measured at a few sizes, fitted
// (fit.ts) and drawn (svg.ts); bench/results/curves.json keeps the numbers and docs/bench/ the charts
// the README shows. `--quick` takes fewer sizes. Anything worse than linear is flagged.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { describeFit, fitCurve, type Fit, type Point } from './fit.js';
import { gatewayAt, pollAt, specsPlanMs } from './measure.js';
import { renderChart } from './svg.js';

interface CurveSpec {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  unit: string;
  per: string;
  sizes: number[];
  quickSizes: number[];
}

export interface CurveResult extends CurveSpec {
  points: Point[];
  fit: Fit;
  shape: string;
  /** Other numbers of each size (e.g. the startup a poll curve waited for). */
  extra: Record<string, number>[];
}

/** A group of curves measured together (one world per size gives several curves). */
interface Group {
  curves: CurveSpec[];
  measure: (size: number, quick: boolean) => Promise<Record<string, number>>;
}

const GROUPS: Group[] = [
  {
    curves: [
      {
        id: 'specs-plan',
        title: 'validate + render + plan vs specs',
        xLabel: 'specs in the repository',
        yLabel: 'CPU ms (median, warm compiler, one spec changed)',
        unit: 'ms',
        per: 'spec',
        sizes: [100, 500, 1000, 2000, 5000],
        quickSizes: [100, 1000, 5000],
      },
    ],
    measure: (n, quick) => Promise.resolve({ 'specs-plan': specsPlanMs(n, quick ? 3 : 7) }),
  },
  {
    curves: [
      {
        id: 'poll-cpu-specs',
        title: 'no-op poll CPU vs specs (10 running)',
        xLabel: 'specs in the repository',
        yLabel: 'daemon CPU ms per poll',
        unit: 'ms',
        per: 'spec',
        sizes: [100, 500, 1000, 2000, 5000],
        quickSizes: [100, 1000, 5000],
      },
    ],
    measure: async (n, quick) => {
      const r = await pollAt(n, 10, quick ? 10 : 30);
      return { 'poll-cpu-specs': r.cpuPerPoll, startupS: r.startupS };
    },
  },
  {
    curves: [
      {
        id: 'rss-servers',
        title: 'daemon RSS vs running servers',
        xLabel: 'running servers (minimal stdio MCP servers)',
        yLabel: 'daemon VmRSS, MB',
        unit: 'MB',
        per: 'server',
        sizes: [10, 50, 100, 200],
        quickSizes: [10, 50, 100],
      },
      {
        id: 'poll-cpu-servers',
        title: 'no-op poll CPU vs running servers',
        xLabel: 'running servers (minimal stdio MCP servers)',
        yLabel: 'daemon CPU ms per poll',
        unit: 'ms',
        per: 'server',
        sizes: [10, 50, 100, 200],
        quickSizes: [10, 50, 100],
      },
    ],
    measure: async (n, quick) => {
      const r = await pollAt(n, n, quick ? 10 : 30);
      return { 'rss-servers': r.rssMb, 'poll-cpu-servers': r.cpuPerPoll, startupS: r.startupS };
    },
  },
  {
    curves: [
      {
        id: 'rss-sessions',
        title: 'daemon RSS vs open gateway sessions',
        xLabel: 'open client sessions (one shared stdio server)',
        yLabel: 'daemon VmRSS, MB',
        unit: 'MB',
        per: 'session',
        sizes: [10, 100, 300, 1000],
        quickSizes: [10, 100, 1000],
      },
      {
        id: 'p50-sessions',
        title: 'gateway tools/call p50 vs open sessions',
        xLabel: 'open client sessions (one shared stdio server)',
        yLabel: 'echo tools/call p50, ms',
        unit: 'ms',
        per: 'session',
        sizes: [10, 100, 300, 1000],
        quickSizes: [10, 100, 1000],
      },
    ],
    measure: async (n, quick) => {
      const r = await gatewayAt(n, quick ? 100 : 300);
      return { 'rss-sessions': r.rssMb, 'p50-sessions': r.p50Ms, p99Ms: r.p99Ms };
    },
  },
];

export async function runCurves(o: { quick: boolean; root: string; only?: string }): Promise<CurveResult[]> {
  const results: CurveResult[] = [];
  const started = performance.now();
  for (const g of GROUPS) {
    if (o.only && !g.curves.some((c) => c.id.includes(o.only!))) continue;
    const sizes = o.quick ? g.curves[0].quickSizes : g.curves[0].sizes;
    const bySize: Record<string, number>[] = [];
    for (const n of sizes) {
      const t = performance.now();
      bySize.push(await g.measure(n, o.quick));
      process.stderr.write(
        `  ${g.curves.map((c) => c.id).join(', ')} @ ${n}: ${JSON.stringify(bySize.at(-1))} (${((performance.now() - t) / 1000).toFixed(0)} s)\n`,
      );
    }
    for (const c of g.curves) {
      const points = sizes.map((x, i) => ({ x, y: bySize[i][c.id] }));
      const fit = fitCurve(points);
      const extra = bySize.map((m) => Object.fromEntries(Object.entries(m).filter(([k]) => !g.curves.some((cc) => cc.id === k))));
      results.push({ ...c, points, fit, shape: describeFit(fit, points, c.unit, c.per), extra });
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const meta = { at: new Date().toISOString(), quick: o.quick, seconds, node: process.version, cpus: cpus().length, loadavg: loadavg() };
  mkdirSync(join(o.root, 'bench', 'results'), { recursive: true });
  writeFileSync(join(o.root, 'bench', 'results', 'curves.json'), `${JSON.stringify({ ...meta, curves: results }, null, 2)}\n`);
  mkdirSync(join(o.root, 'docs', 'bench'), { recursive: true });
  for (const r of results) {
    const subtitle = `${r.shape} · ${cpus().length} cores, load ${loadavg()[0].toFixed(1)}, ${meta.at.slice(0, 10)}`;
    writeFileSync(
      join(o.root, 'docs', 'bench', `${r.id}.svg`),
      renderChart({ title: r.title, subtitle, xLabel: r.xLabel, yLabel: r.yLabel, points: r.points, fit: r.fit }),
    );
  }
  process.stdout.write(
    `${results.map((r) => `${r.fit.flagged ? 'FLAG' : 'ok  '} ${r.title}: ${r.points.map((p) => `${p.x}→${+p.y.toPrecision(3)}`).join(', ')} ${r.unit}\n      ${r.shape}`).join('\n')}\n\n${seconds.toFixed(0)} s on ${cpus().length} cores\n`,
  );
  return results;
}
