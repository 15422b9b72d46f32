#!/usr/bin/env node
// Screenshots of the status page for the README, from the built daemon on a sample repository:
// copies sample-repo/ into a throw-away git repository (two commits: a rollout in the history),
// runs `serve` on it with a throw-away state dir and any free port, calls `everything` through the
// gateway for a while (the sparkline), and has headless Chromium (Debian's `chromium`, driven by
// playwright-core) capture the list and a detail view on a desktop and a phone-sized screen.
//   npm run build && npm run screenshots [-- <out-dir>]      (default docs/)
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = resolve(process.argv[2] ?? join(root, 'docs'));
const LOAD_SECONDS = 35;

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

const tmp = mkdtempSync(join(tmpdir(), 'mcp-gitops-screenshots-'));
const repo = join(tmp, 'repo');
const git = (author, ...args) =>
  execFileSync('git', args, {
    cwd: repo,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: author,
      GIT_AUTHOR_EMAIL: 'dev@example.invalid',
      GIT_COMMITTER_NAME: author,
      GIT_COMMITTER_EMAIL: 'dev@example.invalid',
      GIT_CONFIG_GLOBAL: '/dev/null',
    },
    encoding: 'utf8',
  }).trim();
cpSync(join(root, 'sample-repo'), repo, { recursive: true, filter: (src) => !src.endsWith('memory.yaml') });
git('Ada Lovelace', 'init', '-q', '-b', 'main');
git('Ada Lovelace', 'add', '-A');
git('Ada Lovelace', 'commit', '-q', '-m', 'platform: the everything server, over stdio and HTTP');

const args = [
  'dist/src/cli.js',
  'serve',
  '--repo',
  repo,
  '--env',
  'dev',
  '--secrets-dir',
  'examples/secrets',
  '--host',
  '127.0.0.1',
  '--port',
  '0',
  '--state-dir',
  join(tmp, 'state'),
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

const status = async () => (await fetch(`${url}/status`)).json();
const synced = (n) => async () => {
  const st = await status();
  return st.phase === 'Synced' && st.servers.length === n && st.servers.every((s) => s.phase === 'Running' && s.health === 'Healthy') && st;
};

/** Calls echo through the gateway for `seconds`, a little more each 10 s bucket (the sparkline). */
async function load(endpoint, seconds) {
  const c = new Client({ name: 'screenshots', version: '1' });
  await c.connect(new StreamableHTTPClientTransport(new URL(endpoint)));
  const end = Date.now() + seconds * 1000;
  for (let i = 0; Date.now() < end; i++) {
    await c.callTool({ name: 'echo', arguments: { message: `call ${i}` } });
    if (i % 7 === 0) await c.callTool({ name: 'no-such-tool', arguments: {} }).catch(() => undefined);
    await delay(150 + 100 * Math.sin(i / 10));
  }
  await c.close();
}

let browser;
try {
  await until('the daemon to serve', async () => (exited ? Promise.reject(new Error('the daemon exited')) : url), 20_000);
  await until('2 servers Running and Healthy', synced(2), 90_000);
  // a second commit: a rollout in the history, with a tool diff
  cpSync(join(root, 'sample-repo', 'servers', 'memory.yaml'), join(repo, 'servers', 'memory.yaml'));
  git('Grace Hopper', 'add', '-A');
  git('Grace Hopper', 'commit', '-q', '-m', 'memory: a knowledge graph for the assistants');
  const st = await until('3 servers Running and Healthy', synced(3), 90_000);
  await load(st.servers.find((s) => s.name === 'everything').endpoint, LOAD_SECONDS);

  browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'] });
  const shots = [
    { file: 'status-page.png', viewport: { width: 1280, height: 720 }, hash: '' },
    { file: 'status-page-detail.png', viewport: { width: 1280, height: 720 }, hash: '#/servers/everything' },
    { file: 'status-page-phone.png', viewport: { width: 390, height: 844 }, hash: '', mobile: true },
  ];
  for (const s of shots) {
    const page = await browser.newPage({ viewport: s.viewport, deviceScaleFactor: 1, isMobile: Boolean(s.mobile), colorScheme: 'light' });
    await page.goto(`${url}/?refresh=0${s.hash}`);
    await page.waitForSelector(s.hash ? '#detail svg.spark' : 'li[data-server="memory"]', { timeout: 15_000 });
    await page.screenshot({ path: join(outDir, s.file), fullPage: true });
    await page.close();
    console.log(`wrote ${join(outDir, s.file)}`);
  }
} finally {
  await browser?.close();
  if (!exited) daemon.kill('SIGTERM');
  await Promise.race([exit, delay(10_000)]);
  if (!exited) daemon.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
}
