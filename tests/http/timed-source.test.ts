import { describe, expect, it } from 'vitest';
import { EventBus } from '../../src/reconciler/events.js';
import { createMetrics } from '../../src/http/metrics.js';
import { timedSource } from '../../src/http/timed-source.js';
import { sampleStatus } from './helpers.js';
import { sample } from './metric-value.js';

describe('git fetch metrics', () => {
  it('times every head read and counts the failed ones; snapshots pass through', async () => {
    const metrics = createMetrics({ events: new EventBus(), status: sampleStatus });
    let t = 0;
    let fail = false;
    const source = {
      head: () => {
        t += 250;
        return fail ? Promise.reject(new Error('unreachable')) : Promise.resolve('c'.repeat(40));
      },
      snapshot: (commit: string) => Promise.resolve({ commit, files: [], symlinks: [] } as never),
    };
    const timed = timedSource(source, metrics, () => t);
    expect(await timed.head()).toBe('c'.repeat(40));
    fail = true;
    await expect(timed.head()).rejects.toThrow('unreachable');
    expect(await timed.snapshot('d')).toMatchObject({ commit: 'd' });
    const text = await metrics.registry.metrics();
    expect(sample(text, 'mcp_gitops_git_fetch_duration_seconds_count')).toBe(2);
    expect(sample(text, 'mcp_gitops_git_fetch_duration_seconds_sum')).toBe(0.5);
    expect(sample(text, 'mcp_gitops_git_fetch_duration_seconds_bucket', { le: '0.25' })).toBe(2);
    expect(sample(text, 'mcp_gitops_git_fetch_duration_seconds_bucket', { le: '0.1' })).toBe(0);
    expect(sample(text, 'mcp_gitops_git_fetch_errors_total')).toBe(1);
  });
});
