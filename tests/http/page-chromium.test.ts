// The status page in a real browser: headless Chromium (Debian's, driven by playwright-core) loads it
// from a listening app with a scripted /status and renders the list, a server's detail view (tool
// diff, canary, sparkline), the timeline and the banners, follows /events, and works by keyboard and
// on a phone-sized viewport.
import { chromium as pw, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CallSeries } from '../../src/gateway/call-series.js';
import { LOW_CONTRAST } from './contrast.js';
import { listeningApp } from './helpers.js';
import { CHROMIUM_FLAGS, requireTool } from './tools.js';

const chromium = requireTool('chromium', 'chromium');
const launch = () => pw.launch({ executablePath: chromium.path!, args: CHROMIUM_FLAGS.filter((f) => f !== '--headless') });

async function scene() {
  const calls = new CallSeries();
  const t = await listeningApp({ series: (name) => (name === 'everything' || name === 'memory' ? calls.series(name) : undefined) });
  const s = t.status;
  s.servers[0].endpoint = `${t.base}/mcp/everything`;
  // replicas ready/desired, as /status has them on runtimes with replicas
  Object.assign(s.servers[1], { replicas: { ready: 1, desired: 2 } });
  s.history[0] = {
    ...s.history[0],
    author: 'Ada Lovelace',
    commitMessage: 'everything: add get-sum',
    toolChanges: { everything: { added: ['get-sum'], removed: ['old-tool'], changed: [{ name: 'echo', parts: ['description'] }] } },
  };
  return { ...t, calls };
}

function noPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => (m.type() === 'error' ? errors.push(m.text()) : undefined));
  return errors;
}

describe.skipIf(chromium.skip)(`status page in Chromium${chromium.skip ? ` (skipped: ${chromium.skip})` : ''}`, () => {
  it('lists servers and syncs, opens a detail view with the tool diff, canary and sparkline, and follows /events', async () => {
    const { app, base, bus, status, calls } = await scene();
    const browser = await launch();
    try {
      const page = await browser.newPage();
      const errors = noPageErrors(page);
      await page.goto(`${base}/?refresh=0`); // no polling: only /events can update the page
      await page.waitForSelector('li[data-server="memory"]', { timeout: 15_000 });
      expect(await page.locator('li[data-server]').count()).toBe(2);
      expect(await page.textContent('#phase')).toBe('Synced');
      expect(await page.textContent('#applied')).toBe('aaaaaaa');
      const card = await page.textContent('li[data-server="everything"]');
      expect(card).toContain('Healthy');
      expect(card).toContain('v2026.8.31');
      expect(await page.textContent('li[data-server="everything"] .endpoint code')).toBe(`${base}/mcp/everything`);
      expect(await page.textContent('li[data-server="memory"] .replicas')).toBe('1/2 ready');
      expect(await page.locator('li[data-server="everything"] .replicas').count()).toBe(0);
      const sync = page.locator('#history li').first();
      expect(await sync.textContent()).toContain('everything: add get-sum');
      expect(await sync.locator('.author').textContent()).toBe('Ada Lovelace');
      expect(await sync.locator('.duration').textContent()).toBe('2.0 s');

      // the copy button puts the endpoint on the clipboard
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
      await page.click('li[data-server="everything"] button.copy');
      await page.waitForSelector('li[data-server="everything"] button.copy:text-is("Copied")', { timeout: 5000 });
      expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(`${base}/mcp/everything`);

      // calls through the gateway fill the sparkline; the detail view shows tools and the diff
      for (let i = 0; i < 5; i++) calls.call('everything');
      calls.error('everything');
      await page.click('li[data-server="everything"] a.name');
      await page.waitForSelector('#detail-h:has-text("everything")', { timeout: 15_000 });
      const spark = await page.waitForSelector('#detail svg.spark', { timeout: 15_000 });
      expect([await spark.getAttribute('data-calls'), await spark.getAttribute('data-errors'), await spark.getAttribute('data-points')]).toEqual([
        '5',
        '1',
        '1',
      ]);
      expect(await page.locator('#detail .diff li').allTextContents()).toEqual(['+get-sum', '−old-tool', '~echo (description)']);
      expect(await page.locator('#detail .tools li').allTextContents()).toEqual(['echo', 'get-sum']);
      expect(await page.isHidden('#overview')).toBe(true);

      // a canary step: the detail view follows /events
      status.servers[0] = {
        ...status.servers[0],
        canary: {
          server: 'everything',
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
      bus.emit({ type: 'canary.step', server: 'everything', commit: 'b', instanceId: 'i3', step: 1, of: 3, weight: 10 });
      const canary = await page.waitForSelector('#detail .canary', { timeout: 15_000 });
      expect(await canary.textContent()).toContain('step 1 of 3, 10 % of new sessions');
      expect(await canary.textContent()).toContain('42 calls, 13 errors (rate 0.31), p99 120 ms');

      // back to the list; a suspension shows a banner
      await page.click('#detail a[href="#/"]');
      await page.waitForSelector('#overview:not([hidden])', { timeout: 15_000 });
      expect(await page.locator('#banner .banner').count()).toBe(0);
      status.phase = 'Suspended';
      status.suspended = { by: 'api', at: new Date().toISOString(), reason: 'release freeze' };
      bus.emit({ type: 'sync.suspended', code: 'Suspended', by: 'api', reason: 'release freeze', at: status.suspended.at });
      const banner = await page.waitForSelector('#banner-suspended', { timeout: 15_000 });
      expect(await banner.textContent()).toContain('release freeze');
      expect(await page.getAttribute('#banner', 'aria-live')).toBe('polite');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await app.close();
    }
  }, 90_000);

  it('reaches a server detail by keyboard, shows a quarantined head, and fits a 390 px phone screen', async () => {
    const { app, base, status } = await scene();
    status.revision.head = 'c'.repeat(40);
    status.failedRevision = { commit: 'c'.repeat(40), reason: 'memory: health gate failed', at: new Date().toISOString() };
    const browser = await launch();
    try {
      const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      const errors = noPageErrors(page);
      await page.goto(`${base}/?refresh=0`);
      await page.waitForSelector('li[data-server="memory"]', { timeout: 15_000 });
      expect(await page.textContent('#banner-quarantined')).toContain('memory: health gate failed');
      // nothing wider than the screen
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      // Tab until the link to memory's detail has the focus, then Enter
      let focused = '';
      for (let i = 0; i < 30 && focused !== 'server:memory'; i++) {
        await page.keyboard.press('Tab');
        focused = await page.evaluate<string>("document.activeElement?.dataset.key ?? ''");
      }
      expect(focused).toBe('server:memory');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#detail-h:has-text("memory")', { timeout: 15_000 });
      // a selector, not waitForFunction: a string predicate that has to poll is eval'ed, which the page's CSP refuses
      await page.waitForSelector('#detail-h:focus', { timeout: 15_000 });
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      // the page draws a visible focus ring
      await page.keyboard.press('Tab');
      const outline = await page.evaluate<string>('getComputedStyle(document.activeElement).outlineStyle');
      expect(outline).toBe('solid');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await app.close();
    }
  }, 90_000);

  it('keeps every text at WCAG AA contrast (4.5:1), light and dark, on the list and a detail view', async () => {
    const { app, base, status } = await scene();
    status.suspended = { by: 'api', at: new Date().toISOString(), reason: 'release freeze' };
    status.revision.head = 'c'.repeat(40);
    status.failedRevision = { commit: 'c'.repeat(40), reason: 'memory: health gate failed', at: new Date().toISOString() };
    status.history.push({ ...status.history[0], id: 2, result: 'reverted', reason: 'ToolMissing' });
    const browser = await launch();
    try {
      for (const colorScheme of ['light', 'dark'] as const) {
        const page = await browser.newPage({ colorScheme });
        await page.goto(`${base}/?refresh=0`);
        await page.waitForSelector('#banner-quarantined', { timeout: 15_000 });
        expect(await page.evaluate<string[]>(LOW_CONTRAST), `${colorScheme} list`).toEqual([]);
        await page.goto(`${base}/?refresh=0#/servers/everything`);
        await page.waitForSelector('#detail .diff li', { timeout: 15_000 });
        expect(await page.evaluate<string[]>(LOW_CONTRAST), `${colorScheme} detail`).toEqual([]);
        await page.close();
      }
    } finally {
      await browser.close();
      await app.close();
    }
  }, 90_000);
});
