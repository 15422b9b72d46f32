// External tools some tests drive (installed by .ci/run from Debian packages). Outside CI a missing
// tool skips its test with the reason; in CI (CI=true) it is a failure.
import { execFileSync, spawnSync } from 'node:child_process';

export function which(cmd: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export function requireTool(cmd: string, pkg: string): { path?: string; skip: string | false } {
  const path = which(cmd);
  if (path) return { path, skip: false };
  if (process.env.CI) throw new Error(`${cmd} is missing: .ci/run must install the Debian package ${pkg}`);
  return { skip: `${cmd} not installed (apt-get install ${pkg})` };
}

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** `promtool check metrics` over a /metrics text: its exit status and everything it printed. */
export function promtoolCheck(path: string, text: string): { status: number | null; output: string } {
  const r = spawnSync(path, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}
