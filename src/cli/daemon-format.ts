// Text views of a daemon's /status for `status` and `history`: key/value lines and aligned columns.
import type { DaemonStatus } from './daemon-client.js';

const NONE = '-';

/** Git's short SHA (7 characters), or "-". */
export function short(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 7) : NONE;
}

/** One line: newlines and runs of spaces folded, "-" for nothing. */
function cell(v: string | number | null | undefined): string {
  if (v === null || v === undefined || v === '') return NONE;
  return String(v).replace(/\s+/g, ' ').trim() || NONE;
}

/** Columns padded to their widest cell, two spaces apart; the last column is not padded. */
export function table(header: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(cell))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return (
    cells
      .map((r) =>
        r
          .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i])))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/** ISO time to the second, UTC ("2026-12-02T00:40:01Z"). */
export function when(iso: string | null | undefined): string {
  if (!iso) return NONE;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** finishedAt - startedAt as "850ms", "12.3s" or "4m05s". */
export function duration(startedAt: string, finishedAt: string): string {
  const ms = Date.parse(finishedAt) - Date.parse(startedAt);
  if (!Number.isFinite(ms) || ms < 0) return NONE;
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

function fields(pairs: [string, string | null | undefined][]): string {
  const shown = pairs.filter(([, v]) => v !== undefined);
  const width = Math.max(...shown.map(([k]) => k.length)) + 1;
  return shown.map(([k, v]) => `${`${k}:`.padEnd(width)}  ${cell(v)}`).join('\n') + '\n';
}

/** "by api at 2026-12-02T04:00:00Z: release freeze" */
export function suspendedText(x: NonNullable<DaemonStatus['suspended']>): string {
  return `by ${x.by} at ${when(x.at)}${x.reason ? `: ${x.reason}` : ''}`;
}

/** Serving replicas over desired, as kubectl's READY: "2/3"; a server without spec.replicas is one. */
function ready(x: DaemonStatus['servers'][number]): string {
  if (x.replicas) return `${x.replicas.ready}/${x.replicas.desired}`;
  return `${x.phase === 'Running' && x.health === 'Healthy' ? 1 : 0}/1`;
}

export function statusText(s: DaemonStatus): string {
  const r = s.revision;
  const head = fields([
    ['Phase', s.phase],
    ['Reason', s.reason ?? undefined],
    ['Message', s.message],
    ['Head', short(r.head)],
    ['Applied', short(r.applied)],
    ['Last good', short(r.lastGood)],
    ['Failed', s.failedRevision ? `${short(s.failedRevision.commit)} at ${when(s.failedRevision.at)}: ${s.failedRevision.reason}` : undefined],
    ['Last error', s.lastError ? `${s.lastError.reason} at ${when(s.lastError.at)}: ${s.lastError.message}` : undefined],
    ['Suspended', s.suspended ? suspendedText(s.suspended) : undefined],
  ]);
  if (s.servers.length === 0) return `${head}\nNo servers.\n`;
  const servers = table(
    ['NAME', 'VERSION', 'COMMIT', 'PHASE', 'HEALTH', 'REASON', 'READY', 'RESTARTS', 'ENDPOINT', 'MESSAGE'],
    s.servers.map((x) => [x.name, x.version, short(x.commit), x.phase, x.health, x.reason, ready(x), x.restarts, x.endpoint, x.message]),
  );
  return `${head}\n${servers}`;
}

export function historyText(entries: DaemonStatus['history']): string {
  if (entries.length === 0) return 'No syncs yet.\n';
  return table(
    ['ID', 'COMMIT', 'RESULT', 'REASON', 'STARTED', 'DURATION', 'AUTHOR', 'MESSAGE'],
    entries.map((h) => [h.id, short(h.commit), h.result, h.reason, when(h.startedAt), duration(h.startedAt, h.finishedAt), h.author, h.message]),
  );
}
