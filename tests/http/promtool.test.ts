// /metrics passes `promtool check metrics` (Debian package prometheus) after real traffic.
import { describe, expect, it } from 'vitest';
import { listeningApp } from './helpers.js';
import { promtoolCheck, requireTool } from './tools.js';

const promtool = requireTool('promtool', 'prometheus');

describe.skipIf(promtool.skip)(`metrics lint${promtool.skip ? ` (skipped: ${promtool.skip})` : ''}`, () => {
  it('passes promtool check metrics', async () => {
    const { app, bus } = await listeningApp();
    try {
      bus.emit({ type: 'sync.finished', syncId: 1, commit: 'a', result: 'succeeded', code: 'Synced', message: '', durationSeconds: 2 });
      bus.emit({ type: 'gate.failed', server: 'memory', commit: 'a', reason: 'x', code: 'ToolMissing', seconds: 1 });
      bus.emit({ type: 'server.crashed', server: 'memory', code: 'CrashLoopBackOff', message: 'x', restarts: 1, retryInSeconds: 1 });
      await app.inject({ method: 'POST', url: '/webhook', headers: { 'content-type': 'application/json' }, payload: '{}' });
      const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(promtoolCheck(promtool.path!, text)).toEqual({ status: 0, output: '' });
    } finally {
      await app.close();
    }
  });
});
