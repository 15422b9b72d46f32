// The status page in a real browser: headless Chromium (Debian's, driven by playwright-core) loads it
// from a listening app and the server rows appear, rendered by the page's own script from /status.
import { chromium as pw } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { listeningApp } from './helpers.js';
import { CHROMIUM_FLAGS, requireTool } from './tools.js';

const chromium = requireTool('chromium', 'chromium');

describe.skipIf(chromium.skip)(`status page in Chromium${chromium.skip ? ` (skipped: ${chromium.skip})` : ''}`, () => {
  it('shows phase, revisions and one row per server, and follows /events', async () => {
    const { app, base, bus, status } = await listeningApp();
    const browser = await pw.launch({ executablePath: chromium.path!, args: [...CHROMIUM_FLAGS.filter((f) => f !== '--headless')] });
    try {
      const page = await browser.newPage();
      await page.goto(`${base}/?refresh=0`); // no polling: only /events can update the page
      await page.waitForSelector('tr[data-server="memory"]', { timeout: 15_000 });
      expect(await page.locator('tr[data-server]').count()).toBe(2);
      expect(await page.textContent('#phase')).toBe('Synced');
      expect(await page.textContent('#applied')).toBe('aaaaaaa');
      expect(await page.textContent('tr[data-server="memory"]')).toContain('read_graph');
      // an event makes the page fetch /status again
      status.servers.push({ ...status.servers[1], name: 'search' });
      bus.emit({ type: 'gate.passed', server: 'search', commit: 'a', instanceId: 'i2', tools: [], seconds: 1 });
      await page.waitForSelector('tr[data-server="search"]', { timeout: 15_000 });
      // a canary's progress and figures
      status.servers[0] = {
        ...status.servers[0],
        canary: {
          server: status.servers[0].name,
          commit: 'b'.repeat(40),
          step: 1,
          steps: [10, 50, 100],
          stableVersion: '1',
          canaryVersion: '2',
          stableInstance: 'i1',
          canaryInstance: 'i3',
          stepStartedAt: new Date().toISOString(),
          weight: 10,
          calls: 42,
          errors: 13,
          errorRate: 13 / 42,
          p99Ms: 120,
          stable: { calls: 400, errors: 0, errorRate: 0 },
        },
      };
      bus.emit({ type: 'canary.step', server: status.servers[0].name, commit: 'b', instanceId: 'i3', step: 1, of: 3, weight: 10 });
      const canary = await page.waitForSelector(`tr[data-server="${status.servers[0].name}"] .canary`, { timeout: 15_000 });
      expect(await canary.textContent()).toBe('canary 2 beside 1: step 1 of 3, 10 % of new sessions; 42 calls, 13 errors (rate 0.31), p99 120 ms');
    } finally {
      await browser.close();
      await app.close();
    }
  }, 90_000);
});
