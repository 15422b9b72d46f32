// Copies the status page's static files (plain ES modules, CSS, HTML) next to the compiled
// src/http/status-page.js, which serves them from ./page/: `node scripts/copy-page.mjs <outDir>`.
// tsc emits only .ts; the build (dist) and the bench (dist-bench) both need the page.
import { cpSync } from 'node:fs';
import { join } from 'node:path';

const out = process.argv[2];
if (!out) {
  process.stderr.write('usage: node scripts/copy-page.mjs <outDir>\n');
  process.exit(2);
}
cpSync('src/http/page', join(out, 'src/http/page'), { recursive: true });
