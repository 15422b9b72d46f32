// The verdicts of `status --wait-synced` over /status answers the daemon gives (see tests/cli/status.test.ts
// for the same against a running daemon).
import { describe, expect, it } from 'vitest';
import type { DaemonStatus } from '../../src/cli/daemon-client.js';
import { judge } from '../../src/cli/wait-synced.js';

const A = 'a'.repeat(40),
  B = 'b'.repeat(40),
  C = 'c'.repeat(40);
const at = '2026-12-02T00:00:00.000Z';

function status(o: Partial<DaemonStatus>): DaemonStatus {
  return {
    phase: 'Synced',
    message: '',
    revision: { head: A, applied: A, lastGood: A },
    failedRevision: null,
    lastError: null,
    servers: [
      { name: 'svc', version: '1', commit: A, phase: 'Running', health: 'Healthy', endpoint: null, deployedAt: at, message: '', tools: [], restarts: 0 },
    ],
    history: [],
    ...o,
  };
}

describe('judge (status --wait-synced)', () => {
  it('synced only when the commit is head, applied and last good with phase Synced', () => {
    expect(judge(status({}))).toEqual({ done: 'synced', commit: A });
    expect(judge(status({}), 'aaaaaaa')).toEqual({ done: 'synced', commit: A });
    expect(judge(status({ phase: 'Degraded', servers: [{ ...status({}).servers[0], phase: 'Failed', health: 'Unhealthy' }] }))).toEqual({
      done: false,
      why: 'phase Degraded, head aaaaaaa, applied aaaaaaa, last good aaaaaaa; svc Failed/Unhealthy',
    });
    expect(judge(status({ phase: 'Progressing', revision: { head: B, applied: A, lastGood: A } })).done).toBe(false);
    expect(judge(status({ revision: { head: null, applied: null, lastGood: null } }))).toEqual({
      done: false,
      why: 'the daemon has not read the branch head yet',
    });
  });

  it('failed when the commit is the failed revision, with the daemon reason when it gives one', () => {
    const failedRevision = { commit: B, reason: 'svc: expectTools missing x', at };
    const s = status({ phase: 'Failed', revision: { head: B, applied: A, lastGood: A }, failedRevision });
    expect(judge(s)).toEqual({ done: 'failed', commit: B, reason: 'svc: expectTools missing x' });
    expect(judge(s, 'bbbb')).toEqual({ done: 'failed', commit: B, reason: 'svc: expectTools missing x' });
    expect(judge({ ...s, reason: 'GateFailed' })).toEqual({ done: 'failed', commit: B, reason: 'GateFailed: svc: expectTools missing x' });
    // the failed revision is another commit than the one awaited: keep waiting
    expect(judge(s, 'cccc')).toEqual({ done: false, why: 'the branch head is bbbbbbb, not cccc' });
  });

  it('a --revision whose newest sync ended reverted, invalid or failed has failed even when the head moved on', () => {
    const history = [
      { id: 3, commit: C, result: 'succeeded' as const, startedAt: at, finishedAt: at, message: 'ok' },
      { id: 2, commit: B, result: 'invalid' as const, startedAt: at, finishedAt: at, message: 'servers/x.yaml: bad', reason: 'InvalidSpec' },
    ];
    const s = status({ revision: { head: C, applied: C, lastGood: C }, history });
    expect(judge(s, 'bbbbbbbb')).toEqual({ done: 'failed', commit: B, reason: 'InvalidSpec: invalid: servers/x.yaml: bad' });
    expect(judge(s, 'ccc')).toEqual({ done: 'synced', commit: C });
    // superseded is not final: that commit may still be waited for as the head
    expect(judge(status({ history: [{ ...history[1], result: 'superseded' }], revision: { head: C, applied: C, lastGood: C } }), 'bbbb').done).toBe(false);
  });
});
