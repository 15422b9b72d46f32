#!/usr/bin/env node
// Screenshot of the status page for the README: runs the built daemon on sample-repo/ (as `npm start`
// does, with a throw-away state dir and any free port), waits until its servers are Running and
// Healthy, and has headless Chromium (Debian's `chromium`, driven by playwright-core) capture GET /.
//   npm run build && node scripts/screenshot.mjs [out.png]      (default docs/status-page.png)
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = resolve(process.argv[2] ?? join(root, 'docs', 'status-page.png'));
const SERVERS = 3;

function chromiumPath() {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('chromium is not installed (apt-get install chromium)');
  }
}

async function until(what, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(200);
  }
}

const stateDir = mkdtempSync(join(tmpdir(), 'mcp-gitops-screenshot-'));
const args = [
  'dist/src/cli.js',
  'serve',
  '--repo',
  '.',
  '--path',
  'sample-repo',
  '--env',
  'dev',
  '--secrets-dir',
  'examples/secrets',
  '--host',
  '127.0.0.1',
  '--port',
  '0',
  '--state-dir',
  stateDir,
];
const daemon = spawn(process.execPath, args, {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { PATH: `${join(root, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? tmpdir() },
});
let url;
let exited = false;
const exit = new Promise((r) =>
  daemon.once('exit', () => {
    exited = true;
    r();
  }),
);
createInterface({ input: daemon.stdout }).on('line', (line) => {
  try {
    const l = JSON.parse(line);
    if (l.msg === 'mcp-gitops serving') url = l.http;
  } catch {
    /* not a log line */
  }
});

let browser;
try {
  await until(
    'the daemon to serve',
    async () => {
      if (exited) throw new Error('the daemon exited');
      return url;
    },
    20_000,
  );
  await until(
    `${SERVERS} servers Running and Healthy`,
    async () => {
      const st = await (await fetch(`${url}/status`)).json();
      return st.phase === 'Synced' && st.servers.length === SERVERS && st.servers.every((s) => s.phase === 'Running' && s.health === 'Healthy');
    },
    90_000,
  );
  browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 640 }, deviceScaleFactor: 1 });
  await page.goto(`${url}/?refresh=0`);
  await page.waitForFunction((n) => document.querySelectorAll('tr[data-server]').length === n, SERVERS, { timeout: 15_000 });
  await page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${out}`);
} finally {
  await browser?.close();
  if (!exited) daemon.kill('SIGTERM');
  await Promise.race([exit, delay(10_000)]);
  if (!exited) daemon.kill('SIGKILL');
  rmSync(stateDir, { recursive: true, force: true });
}
