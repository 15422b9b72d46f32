// `mcp-gitops status`: a running daemon's phase, revisions and servers; `--wait-synced` for pipelines.
import { setTimeout as delay } from 'node:timers/promises';
import { DaemonClient, DaemonError, type DaemonStatus } from '../daemon-client.js';
import { short, statusText } from '../daemon-format.js';
import type { CliIO } from '../main.js';
import { UsageError, str, type OptionTable, type Values } from '../options.js';
import { judge } from '../wait-synced.js';
import { DAEMON_OPTIONS, printer } from './daemon-options.js';

/** Exit codes of the commands that talk to a daemon (docs/reference/cli-daemon.md). */
export const EXIT = { ok: 0, notGood: 1, usage: 2, timeout: 3 } as const;

const POLL_MS = 1000;

type Print = (s: DaemonStatus) => void;

function seconds(v: Values, flag: string, fallback: number): number {
  const raw = str(v, flag);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${flag} must be a positive number of seconds, got "${raw}"`);
  return n;
}

async function waitSynced(client: DaemonClient, v: Values, print: Print, io: CliIO): Promise<number> {
  const timeoutMs = seconds(v, 'timeout', 120) * 1000;
  const revision = str(v, 'revision');
  if (revision !== undefined && !/^[0-9a-f]{4,40}$/i.test(revision))
    throw new UsageError(`--revision must be a commit SHA (4 to 40 hex digits), got "${revision}"`);
  const deadline = Date.now() + timeoutMs;
  let s = await client.status(); // unreachable at the start: exit 2 at once
  let said = '';
  for (;;) {
    const verdict = judge(s, revision);
    if (verdict.done === 'synced') {
      print(s);
      return EXIT.ok;
    }
    if (verdict.done === 'failed') {
      print(s);
      io.stderr.write(`mcp-gitops status: ${short(verdict.commit)} failed: ${verdict.reason}\n`);
      return EXIT.notGood;
    }
    if (verdict.why !== said) io.stderr.write(`waiting: ${(said = verdict.why)}\n`);
    const left = deadline - Date.now();
    if (left <= 0) {
      print(s);
      io.stderr.write(`mcp-gitops status: timed out after ${timeoutMs / 1000}s waiting for ${revision ?? 'the branch head'} to be synced: ${verdict.why}\n`);
      return EXIT.timeout;
    }
    await delay(Math.min(POLL_MS, left));
    try {
      s = await client.status();
    } catch (e) {
      // the daemon may restart during a wait: keep the last answer and try again until the deadline
      if (!(e instanceof DaemonError && e.code === 'UNREACHABLE')) throw e;
      if (e.message !== said) io.stderr.write(`waiting: ${(said = e.message)}\n`);
    }
  }
}

export const statusCommand = {
  name: 'status',
  usage: 'mcp-gitops status [--server <url>] [-o text|json|yaml] [--wait-synced [--revision <sha>] [--timeout <seconds>]]',
  summary:
    "Shows a running daemon's phase, revisions and servers. Exit 0 ok, 1 phase Failed or Degraded (with --wait-synced: the commit failed), 2 usage error or daemon unreachable, 3 --wait-synced timed out.",
  options: {
    ...DAEMON_OPTIONS,
    'wait-synced': { type: 'boolean', description: 'wait until the branch head (or --revision) is applied, last good and every server healthy', env: false },
    revision: { type: 'string', description: 'with --wait-synced: the commit to wait for (default: the branch head at each poll)', env: false },
    timeout: { type: 'string', description: 'with --wait-synced: seconds to wait (default 120)', env: false },
  } satisfies OptionTable,
  async run(v: Values, io: CliIO): Promise<number> {
    const printAny = printer(v, io);
    const print: Print = (s) => printAny(s, statusText);
    const client = DaemonClient.from(v, io.env);
    if (v['wait-synced'] !== true && (str(v, 'revision') !== undefined || str(v, 'timeout') !== undefined))
      throw new UsageError('--revision and --timeout go with --wait-synced');
    if (v['wait-synced'] === true) return waitSynced(client, v, print, io);
    const s = await client.status();
    print(s);
    return s.phase === 'Failed' || s.phase === 'Degraded' ? EXIT.notGood : EXIT.ok;
  },
};
