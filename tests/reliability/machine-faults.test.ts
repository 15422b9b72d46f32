// Faults of the machine under the real daemon, on a real file system: its --state-dir is a 512 KiB
// tmpfs the test fills with dd or remounts read-only. The commit that arrives meanwhile is never
// blamed (no failed or reverted entry, no failedRevision), /status says Degraded with the reason,
// svc answers through the gateway throughout, and once the fault is gone the daemon converges to
// the head by itself with a whole state file. Every server here writes to stderr all the time: a
// full or read-only state dir costs log lines, not servers (docs/adr/0012-child-logs-through-a-pipe.md).
import { afterEach, describe, expect, it } from 'vitest';
import { RUNTIMES } from '../e2e/helpers/runtimes.js';
import { everythingStdio } from '../e2e/helpers/servers.js';
import { chattySlow, commitExtra, deployedOnTmpfs, recoversTo, reportsFault, tearDownScene } from './helpers/machine-scene.js';
import { tmpfsSkip } from './helpers/tmpfs.js';

afterEach(tearDownScene);

// Linux refuses to remount a file system read-only while a file on it is open for writing: a
// process-runtime server writes into a named pipe there (which does not count), and the daemon
// opens its log only per batch, so the read-only case runs on every runtime.
const READ_ONLY_RUNTIMES = RUNTIMES;

describe.skipIf(tmpfsSkip)(`machine faults on a real file system${tmpfsSkip ? ` (skipped: ${tmpfsSkip})` : ''}`, { timeout: 120_000 }, () => {
  it('disk full while a new commit is loaded: nothing blamed, Degraded StateWriteFailed, converges once space is freed', async () => {
    const s = await deployedOnTmpfs('512k');
    s.fs.fill();
    const head = commitExtra(s, 'pushed while the disk is full');
    const st = await reportsFault(s, 'StateWriteFailed', head);
    expect(st.lastError?.message).toMatch(/ENOSPC/);
    s.fs.free();
    await recoversTo(s, head);
  });

  it('disk full during a rollout (between its waves): the second wave cannot start; nothing blamed; converges once freed', async () => {
    const s = await deployedOnTmpfs('512k');
    // slow logs all the time, also while the disk is full, and lives
    const head = s.w.repo.commit(
      {
        ...s.w.server('slow', chattySlow(2000)),
        ...s.w.server('extra', everythingStdio({ dependsOn: ['slow'] })),
      },
      'two waves',
    );
    await s.d.until('wave 1 of 2 rolling out', (x) => /wave 1 of 2/.test(x.message), 30_000);
    s.fs.fill();
    const st = await reportsFault(s, 'StateWriteFailed', head);
    expect(st.servers.find((x) => x.name === 'extra')).toBeUndefined();
    s.fs.free();
    await recoversTo(s, head, ['extra', 'slow', 'svc']);
  });

  it('disk full while the outcome is recorded: the rollout stands, memory keeps it, the file catches up once freed', async () => {
    const s = await deployedOnTmpfs('512k');
    const head = s.w.repo.commit(s.w.server('extra', chattySlow(3000)), 'slow to pass its gate');
    await s.d.until('extra starting', (x) => x.servers.some((v) => v.name === 'extra' && v.phase === 'Progressing'), 30_000);
    s.fs.fill();
    const st = await s.d.until(
      'applied in memory, not on disk',
      (x) => x.phase === 'Degraded' && x.reason === 'StateWriteFailed' && x.revision.applied === head,
      30_000,
    );
    expect(st.failedRevision).toBeNull();
    expect(st.history[0]).toMatchObject({ commit: head, result: 'succeeded', reason: 'Synced' });
    s.fs.free();
    await recoversTo(s, head);
  });

  it.each(READ_ONLY_RUNTIMES.map((rt) => [rt.name, rt] as const))(
    'state dir remounted read-only (%s runtime): nothing acts, nothing blamed; remounted read-write, it converges',
    async (_name, rt) => {
      const s = await deployedOnTmpfs('512k', { rt });
      s.fs.readOnly(true);
      const head = commitExtra(s, 'pushed while the state dir is read-only');
      const st = await reportsFault(s, 'StateWriteFailed', head);
      expect(st.lastError?.message).toMatch(/EROFS/);
      s.fs.readOnly(false);
      await recoversTo(s, head);
    },
  );
});
