// A listening buildApp() on 127.0.0.1 with a scripted status and a real event bus.
import { buildApp, type AppDeps } from '../../src/http/app.js';
import { EventLog } from '../../src/http/event-log.js';
import { createMetrics } from '../../src/http/metrics.js';
import { EventBus } from '../../src/reconciler/events.js';
import type { Masker } from '../../src/render/mask.js';
import type { StatusView } from '../../src/reconciler/status.js';

export function sampleStatus(): StatusView {
  const sha = 'a'.repeat(40);
  return {
    phase: 'Synced',
    reason: 'Synced',
    message: `Synced to ${sha.slice(0, 7)}`,
    revision: { head: sha, applied: sha, lastGood: sha },
    failedRevision: null,
    lastError: null,
    history: [
      {
        id: 1,
        commit: sha,
        result: 'succeeded',
        reason: 'Synced',
        startedAt: '2026-11-23T10:00:00Z',
        finishedAt: '2026-11-23T10:00:02Z',
        message: '2 servers rolled out',
      },
    ],
    servers: [
      {
        name: 'everything',
        version: '2026.8.31',
        commit: sha,
        phase: 'Running',
        health: 'Healthy',
        reason: 'Healthy',
        endpoint: 'stdio',
        deployedAt: null,
        message: '',
        tools: ['echo', 'get-sum'],
        restarts: 0,
      },
      {
        name: 'memory',
        version: '2026.8.31',
        commit: sha,
        phase: 'Running',
        health: 'Healthy',
        reason: 'Healthy',
        endpoint: 'stdio',
        deployedAt: null,
        message: '',
        tools: ['read_graph'],
        restarts: 0,
      },
    ],
  };
}

export async function listeningApp(over: Partial<AppDeps> & { mask?: Masker } = {}) {
  const bus = new EventBus();
  const status = sampleStatus();
  const events = new EventLog(bus, { size: 5, ...(over.mask && { mask: over.mask }) });
  const metrics = createMetrics({ events: bus, status: () => status });
  const app = buildApp({ status: () => status, ready: () => true, requestSync: () => 1, events, metrics, ...over });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  return { app, bus, base, status, events };
}
