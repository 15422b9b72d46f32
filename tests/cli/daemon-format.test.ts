import { describe, expect, it } from 'vitest';
import type { DaemonStatus } from '../../src/cli/daemon-client.js';
import { historyText, statusText } from '../../src/cli/daemon-format.js';

type Server = DaemonStatus['servers'][number];
const server = (o: Partial<Server>): Server => ({
  name: 'svc',
  version: '1',
  commit: 'abcdef1234',
  phase: 'Running',
  health: 'Healthy',
  endpoint: 'http://127.0.0.1:8080/mcp/svc',
  deployedAt: null,
  reason: 'Healthy',
  message: 'running',
  tools: [],
  restarts: 0,
  ...o,
});
const status = (servers: Server[]): DaemonStatus =>
  ({
    phase: 'Synced',
    message: 'Synced',
    revision: { head: null, applied: null, lastGood: null },
    failedRevision: null,
    lastError: null,
    servers,
    history: [],
  }) as unknown as DaemonStatus;

describe('mcp-gitops status / history text', () => {
  it('READY: serving replicas over desired; a server without spec.replicas counts as one', () => {
    const text = statusText(
      status([
        server({ name: 'web', replicas: { desired: 3, ready: 2, instances: [] } }),
        server({ name: 'one' }),
        server({ name: 'down', phase: 'Failed', health: 'Unhealthy', reason: 'InstanceExited' }),
      ]),
    );
    expect(text).toMatch(/^NAME +VERSION +COMMIT +PHASE +HEALTH +REASON +READY +RESTARTS +ENDPOINT +MESSAGE$/m);
    expect(text).toMatch(/^web +1 +abcdef1 +Running +Healthy +Healthy +2\/3 +0 /m);
    expect(text).toMatch(/^one .* 1\/1 +0 /m);
    expect(text).toMatch(/^down .* 0\/1 +0 /m);
  });

  it('history shows the commit author, "-" when the sync could not read the commit', () => {
    const at = '2026-12-02T00:00:00.000Z';
    const entry = { id: 2, commit: 'abcdef1234', result: 'succeeded', reason: 'Synced', startedAt: at, finishedAt: at, message: 'ok', servers: [] };
    const text = historyText([
      { ...entry, author: 'Ada Lovelace' },
      { ...entry, id: 1 },
    ] as unknown as DaemonStatus['history']);
    expect(text).toMatch(/^2 +abcdef1 +succeeded +Synced +2026-12-02T00:00:00Z +0ms +Ada Lovelace +ok$/m);
    expect(text).toMatch(/^1 +abcdef1 +succeeded +Synced +2026-12-02T00:00:00Z +0ms +- +ok$/m);
  });
});
