// `status --wait-synced`: when a /status says the awaited commit is synced, has failed for good, or
// is still on its way. Pure: the command polls, this judges each answer.
import type { DaemonStatus } from './daemon-client.js';
import { short } from './daemon-format.js';

export type Verdict = { done: 'synced'; commit: string } | { done: 'failed'; commit: string; reason: string } | { done: false; why: string };

/** Results after which the daemon does not try a commit again (until a newer one or a forced sync). */
const FINAL_FAILURES = new Set(['reverted', 'invalid', 'failed']);

/**
 * `revision` (a full or abbreviated SHA) is the commit to wait for; without it, whatever the branch
 * head is at each poll. Synced: that commit is the head, applied and last good, and the phase is
 * Synced (every server Running and Healthy). Failed: the daemon recorded it as its failed revision,
 * or its newest sync ended reverted, invalid or failed.
 */
export function judge(s: DaemonStatus, revision?: string): Verdict {
  const head = s.revision.head;
  const want = revision?.toLowerCase();
  const target = want === undefined ? head : head?.startsWith(want) ? head : undefined;
  const failed =
    s.failedRevision && (target ? s.failedRevision.commit === target : want !== undefined && s.failedRevision.commit.startsWith(want))
      ? s.failedRevision
      : undefined;
  if (failed) return { done: 'failed', commit: failed.commit, reason: withReason(s.reason, failed.reason) };
  const last = want === undefined ? undefined : s.history.find((h) => h.commit.startsWith(want));
  if (last && FINAL_FAILURES.has(last.result) && last.commit !== s.revision.lastGood) {
    return { done: 'failed', commit: last.commit, reason: withReason(last.reason, `${last.result}: ${last.message}`) };
  }
  if (!target) {
    return { done: false, why: want === undefined ? 'the daemon has not read the branch head yet' : `the branch head is ${short(head)}, not ${want}` };
  }
  const r = s.revision;
  if (s.phase === 'Synced' && r.applied === target && r.lastGood === target) return { done: 'synced', commit: target };
  const bad = s.servers.filter((x) => x.phase !== 'Running' || x.health !== 'Healthy').map((x) => `${x.name} ${x.phase}/${x.health}`);
  return {
    done: false,
    why: `phase ${s.phase}, head ${short(target)}, applied ${short(r.applied)}, last good ${short(r.lastGood)}${bad.length > 0 ? `; ${bad.join(', ')}` : ''}`,
  };
}

function withReason(reason: string | null | undefined, message: string): string {
  return reason ? `${reason}: ${message}` : message;
}
