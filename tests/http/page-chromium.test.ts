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
    } finally {
      await browser.close();
      await app.close();
    }
  }, 90_000);
});
