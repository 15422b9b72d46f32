// `npm run bench [-- --quick]`: measures what users feel, prints a table with target and verdict per
// row, and writes bench/results/latest.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gitRow } from './git-fetch.js';
import { runRow, table, type Row } from './harness.js';
import { specsRow } from './specs-1000.js';

const quick = process.argv.includes('--quick');
const runs = quick ? 3 : 7;
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

async function main(): Promise<void> {
  const rows: Row[] = [];
  const progress = (r: Row): void => { rows.push(r); process.stderr.write(`  ${r.verdict} ${r.name}: ${r.judged.toFixed(2)}\n`); };
  progress(await runRow(specsRow(runs)));
  const g = await gitRow(runs);
  try { progress(await runRow(g)); } finally { await g.cleanup(); }
  const out = { at: new Date().toISOString(), quick, node: process.version, cpus: (await import('node:os')).cpus().length, rows };
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(join(root, 'bench', 'results', 'latest.json'), `${JSON.stringify(out, null, 2)}\n`);
  process.stdout.write(`${table(rows)}\n`);
}

await main();
