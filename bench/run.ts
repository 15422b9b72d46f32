// `npm run bench [-- --quick] [-- --only <word>]`: measures what users feel, prints a table with
// target and verdict per row, and writes bench/results/latest.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCurves } from './curves/curves.js';
import { canaryRevertBench } from './canary-revert.js';
import { gatewayBench } from './gateway.js';
import { gatewayCanaryBench } from './gateway-canary.js';
import { gatewayStdioBench } from './gateway-stdio.js';
import { gitBench } from './git-fetch.js';
import { errorRow, runRow, table, type Bench, type Row } from './harness.js';
import { linkRepoPaths } from './links.js';
import { noopPollBench } from './noop-poll.js';
import { revertBench } from './revert.js';
import { rolloutBench } from './rollout-100.js';
import { specsBench } from './specs-1000.js';
import { tracingBench } from './tracing.js';
import { webhookBench } from './webhook-to-healthy.js';

const quick = process.argv.includes('--quick');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const runs = quick ? 3 : 7;
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

/** Each bench with its name (for --only); set up, measured and torn down one after the other. */
const BENCHES: [string, (runs: number, quick: boolean) => Promise<Bench>][] = [
  ['specs', specsBench],
  ['git', gitBench],
  ['webhook', webhookBench],
  ['revert', revertBench],
  ['poll', noopPollBench],
  ['rollout', rolloutBench],
  ['gateway', gatewayBench],
  ['gateway-stdio', gatewayStdioBench],
  ['gateway-canary', gatewayCanaryBench],
  ['canary', canaryRevertBench],
  ['tracing', tracingBench],
];

async function main(): Promise<void> {
  linkRepoPaths(join(here, '..'));
  if (process.argv.includes('--curves')) {
    await runCurves({ quick, root, ...(only && { only }) });
    return;
  }
  const rows: Row[] = [];
  const progress = (r: Row): void => {
    rows.push(r);
    process.stderr.write(`  ${r.verdict} ${r.name}: ${r.judged.toFixed(2)}${r.verdict === 'ERROR' ? ` (${r.note})` : ''}\n`);
  };
  const started = performance.now();
  for (const [name, make] of BENCHES) {
    // an exact name runs that bench alone (`--only gateway` is not also gateway-stdio and -canary)
    if (only && (BENCHES.some(([n]) => n === only) ? name !== only : !name.includes(only))) continue;
    let bench: Bench;
    try {
      bench = await make(runs, quick);
    } catch (e) {
      progress(errorRow(`${name}: setup`, e));
      continue;
    }
    const t = performance.now();
    try {
      for (const spec of bench.rows) {
        try {
          progress(await runRow(spec));
        } catch (e) {
          progress(errorRow(spec.name, e));
        }
      }
    } finally {
      await bench.cleanup();
      process.stderr.write(`  (${name}: ${((performance.now() - t) / 1000).toFixed(0)} s)\n`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const out = { at: new Date().toISOString(), quick, seconds, node: process.version, cpus: cpus().length, loadavg: (await import('node:os')).loadavg(), rows };
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(join(root, 'bench', 'results', 'latest.json'), `${JSON.stringify(out, null, 2)}\n`);
  process.stdout.write(
    `${table(rows)}\n\n${rows
      .filter((r) => r.note)
      .map((r) => `- ${r.name}: ${r.note}`)
      .join('\n')}\n\n${seconds.toFixed(0)} s on ${cpus().length} cores\n`,
  );
  if (rows.some((r) => r.verdict === 'ERROR')) process.exitCode = 1;
}

await main();
// A bench whose setup threw has no cleanup to call: whatever it had opened (a git server, a daemon)
// would keep the run alive after the table is printed.
process.exit();
