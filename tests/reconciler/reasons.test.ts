// The status vocabulary: one list in code, the same list in the docs; errors classified by their
// type's `transient` field or their errno, never by their message; old state files still load.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GATE_FAILURE_REASONS } from '../../src/health/index.js';
import { REASONS, REASON_CODES, isReason } from '../../src/reasons/reasons.js';
import { SyncError } from '../../src/reconciler/errors.js';
import { environmentFault, errnoOf } from '../../src/reconciler/faults.js';
import { toSourceError } from '../../src/source/error-map.js';
import { SourceError } from '../../src/source/source-error.js';
import { StateWriteError } from '../../src/state/state-error.js';
import { STATE_FILE, StateStore, readStateFile } from '../../src/state/store.js';

const DOC = new URL('../../docs/reference/status-reasons.md', import.meta.url);

function errno(code: string, syscall = 'open'): Error {
  return Object.assign(new Error(`${code}: something, ${syscall}`), { code, errno: -1, syscall });
}

describe('the reason list', () => {
  it('docs/reference/status-reasons.md lists exactly the codes of src/reasons/reasons.ts, with their meaning', async () => {
    const rows = [...(await readFile(DOC, 'utf8')).matchAll(/^\| `(\w+)` \| (.+) \|$/gm)].map((m) => [m[1], m[2]]);
    expect(rows.map(([code]) => code)).toEqual(REASON_CODES);
    expect(Object.fromEntries(rows)).toEqual(REASONS);
  });

  it('every gate failure has its own reason from the list', () => {
    const reasons = Object.values(GATE_FAILURE_REASONS);
    expect(reasons.every(isReason)).toBe(true);
    expect(new Set(reasons).size).toBe(reasons.length);
  });
});

describe('environment or commit: classified where the error arises', () => {
  it.each<[string, unknown, 'source' | 'state' | 'runtime', string | null]>([
    ['disk full while checking out', errno('ENOSPC', 'write'), 'source', 'StateWriteFailed'],
    ['read-only state dir', errno('EROFS'), 'source', 'StateWriteFailed'],
    ["permission on the daemon's own files", errno('EACCES'), 'source', 'StateWriteFailed'],
    ['no file descriptors reading the source', errno('EMFILE'), 'source', 'SourceUnavailable'],
    ['no file descriptors starting a server', errno('EMFILE', 'spawn'), 'runtime', 'RuntimeUnavailable'],
    ['disk full while the runtime writes its records', errno('ENOSPC', 'write'), 'runtime', 'StateWriteFailed'],
    ["a command that is not executable (the commit's)", errno('EACCES', 'spawn'), 'runtime', null],
    [
      "a file where the git mirrors live (the daemon's own dir)",
      new SourceError('GIT_ERROR', 'git failed', { repo: 'r', cause: errno('ENOTDIR', 'mkdir') }),
      'source',
      'SourceUnavailable',
    ],
    [
      'a start failure wrapping EMFILE (data.errno)',
      Object.assign(new Error('could not launch'), { code: 'RUNTIME_START_FAILED', data: { errno: 'EMFILE' } }),
      'runtime',
      'RuntimeUnavailable',
    ],
    [
      "a start failure wrapping ENOENT (the commit's)",
      Object.assign(new Error('not found'), { code: 'RUNTIME_START_FAILED', data: { errno: 'ENOENT' } }),
      'runtime',
      null,
    ],
    ['git server 500', new SourceError('NETWORK', 'server error (HTTP 500)', { repo: 'r' }), 'source', 'SourceUnavailable'],
    ['a path missing in the commit', new SourceError('PATH_NOT_FOUND', 'no such path', { repo: 'r' }), 'source', null],
    ['a typed runtime error with transient: true', Object.assign(new Error('engine down'), { transient: true }), 'runtime', 'RuntimeUnavailable'],
    ['a typed runtime error with transient: false', Object.assign(new Error('image missing'), { transient: false }), 'runtime', null],
    ['an unwritable state file', new StateWriteError('/s', errno('EMFILE')), 'source', 'StateWriteFailed'],
    ['a wrapped cause', new Error('fetch failed', { cause: errno('ENFILE') }), 'source', 'SourceUnavailable'],
    ['the applied commit no longer renders', new SyncError('DESIRED_UNKNOWN', 'no longer renders'), 'runtime', null],
    ['a message that only mentions ENOSPC', new Error('ENOSPC: no space left on device'), 'source', null],
  ])('%s', (_what, e, stage, want) => {
    expect(environmentFault(e, stage)).toBe(want);
  });

  it('errnoOf reads Node errors, wrapped causes and runtime data, not other codes', () => {
    expect(errnoOf(errno('EROFS'))).toBe('EROFS');
    expect(errnoOf(new Error('x', { cause: new Error('y', { cause: errno('ENOSPC') }) }))).toBe('ENOSPC');
    expect(errnoOf(Object.assign(new Error('x'), { code: 'ERR_INVALID_ARG_TYPE' }))).toBeUndefined();
  });
});

describe('state files written before reasons existed', () => {
  it('load with the reason each result implies, and keep it once written again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mcp-gitops-reasons-'));
    try {
      const at = '2026-11-01T00:00:00.000Z';
      const entry = (id: number, result: string) => ({ id, commit: String(id).repeat(40), result, startedAt: at, finishedAt: at, message: 'm' });
      const old = {
        schemaVersion: 1,
        applied: '1'.repeat(40),
        lastGood: '1'.repeat(40),
        failedRevision: null,
        nextSyncId: 6,
        servers: {},
        inFlight: null,
        history: [entry(5, 'failed'), entry(4, 'superseded'), entry(3, 'invalid'), entry(2, 'reverted'), entry(1, 'succeeded')],
      };
      await writeFile(join(dir, STATE_FILE), JSON.stringify(old));
      const want = ['RolloutFailed', 'Superseded', 'ValidationFailed', 'RolloutFailed', 'Synced'];
      expect((await readStateFile(dir))?.history.map((h) => h.reason)).toEqual(want);
      const { store, recovered } = await StateStore.open(dir);
      expect(recovered).toBeUndefined();
      expect(store.get().history.map((h) => h.reason)).toEqual(want);
      await store.update((s) => {
        s.nextSyncId = 7;
      });
      expect((JSON.parse(await readFile(join(dir, STATE_FILE), 'utf8')) as { history: { reason: string }[] }).history.map((h) => h.reason)).toEqual(want);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the source says when the machine failed it', () => {
  it('an fs error reading the repository (EMFILE, ENOSPC, EROFS) is a transient SourceError, still carrying its errno', () => {
    for (const code of ['EMFILE', 'ENOSPC', 'EROFS']) {
      const e = toSourceError(errno(code), { repo: 'r', secrets: [], authConfigured: false });
      expect(e).toMatchObject({ code: 'GIT_ERROR', transient: true });
      expect(errnoOf(e)).toBe(code);
      expect(environmentFault(e, 'source')).not.toBeNull();
    }
    expect(toSourceError(errno('ENOTDIR'), { repo: 'r', secrets: [], authConfigured: false }).transient).toBe(false);
  });
});
