// The status page of the real daemon in headless Chromium (Debian's, driven by playwright-core),
// through a rollout, a revert and a canary: the page follows each live (via /events, no reload), the
// detail view shows the tool diff of the last rollout and a sparkline of real gateway calls, the
// timeline shows each sync with its commit message and author, and banners show a quarantined head
// and a suspension.
import { chromium as pw } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM_FLAGS, requireTool } from '../http/tools.js';
import { startLoad } from './helpers/canary-load.js';
import { flaky, toolSurface } from './helpers/servers.js';
import { useWorld } from './helpers/use-world.js';
import { waitFor } from './helpers/wait-for.js';

const chromium = requireTool('chromium', 'chromium');
const TOKEN = 'page-api-token-for-tests';
/** Canary steps far longer than the test: the canary runs until the test ends it. */
const CANARY = { strategy: 'canary', canary: { steps: [10, 50, 100], stepSeconds: 3600, minCalls: 5, maxErrorRate: 0.05 } } as const;

const scene = useWorld();

describe.skipIf(chromium.skip)(`status page of the real daemon in Chromium${chromium.skip ? ` (skipped: ${chromium.skip})` : ''}`, () => {
  it('follows a rollout, a revert and a canary: tool diff, sparkline, timeline and banners', async () => {
    const w = scene.w;
    const tools = (env: Record<string, string>, o = {}) => w.server('tools', toolSurface(env, { expectTools: ['echo'], ...o }));
    const first = w.repo.commit({ ...tools({ TOOLS: 'echo' }), ...w.server('svc', flaky('v1', 0, 0, CANARY)) }, 'first deploy');
    const d = await w.start({ env: { MCP_GITOPS_API_TOKEN: TOKEN } });
    const st = await w.converged(d, first, ['svc', 'tools']);
    const post = (path: string, body: object) =>
      fetch(`${d.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    // real SDK clients call svc's `work` through the gateway: its sparkline has points
    const load = scene.later(startLoad(st.servers.find((s) => s.name === 'svc')!.endpoint!, { workers: 2, callsPerSession: 2 }), (l) => l.stop());

    const browser = scene.later(await pw.launch({ executablePath: chromium.path!, args: CHROMIUM_FLAGS.filter((f) => f !== '--headless') }), (b) => b.close());
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${d.url}/?refresh=0`); // no polling: only /events updates the page
    await page.waitForSelector('li[data-server="tools"]', { timeout: 15_000 });
    const names = await Promise.all((await page.locator('li[data-server]').all()).map((li) => li.getAttribute('data-server')));
    expect(names).toEqual(['svc', 'tools']);
    expect(await page.textContent('li[data-server="svc"] .endpoint code')).toBe(`${d.url}/mcp/svc`);
    const newest = page.locator('#history li').first();
    expect(await newest.locator('.subject').textContent()).toBe('first deploy');
    expect(await newest.locator('.author').textContent()).toBe('E2E');

    // a rollout that adds a tool: the timeline and the detail view show it, live
    const second = w.repo.commit(tools({ TOOLS: 'echo,add' }), 'tools: add "add"');
    await page.waitForSelector(`#applied:text-is("${second.slice(0, 7)}")`, { timeout: 30_000 });
    await page.waitForSelector('#history li:first-child .subject:text-is(\'tools: add "add"\')', { timeout: 15_000 });
    await page.click('li[data-server="tools"] a.name');
    await page.waitForSelector('#detail-h:has-text("tools")', { timeout: 15_000 });
    expect(await page.locator('#detail .diff li').allTextContents()).toEqual(['+add']);
    expect(await page.locator('#detail .tools li').allTextContents()).toEqual(['echo', 'add']);

    // a commit whose gate fails: reverted, the head quarantined, the timeline says so
    const bad = w.repo.commit(tools({ TOOLS: 'add' }), 'tools: drop echo');
    const quarantined = await page.waitForSelector('#banner-quarantined', { timeout: 60_000 });
    expect(await quarantined.textContent()).toContain(bad.slice(0, 7));
    await page.click('#detail a[href="#/"]');
    await page.waitForSelector('#history li:first-child.reverted', { timeout: 15_000 });
    expect(await page.locator('#history li').first().locator('.subject').textContent()).toBe('tools: drop echo');

    // svc's detail: a sparkline of the load's calls
    await waitFor(() => load.calls.filter((c) => c.ok).length >= 4, { what: 'calls through the gateway', timeoutMs: 30_000 });
    await page.click('li[data-server="svc"] a.name');
    const spark = await page.waitForSelector('#detail svg.spark', { timeout: 15_000 });
    expect(Number(await spark.getAttribute('data-calls'))).toBeGreaterThanOrEqual(4);
    expect(Number(await spark.getAttribute('data-points'))).toBeGreaterThanOrEqual(1);

    // a canary of svc v2: its progress in the detail view, while it runs
    const canary = w.repo.commit({ ...tools({ TOOLS: 'echo,add' }), ...w.server('svc', flaky('v2', 0, 0, CANARY)) }, 'svc: v2 as a canary');
    const progress = await page.waitForSelector('#detail .canary', { timeout: 60_000 });
    expect(await progress.textContent()).toContain('Canary v2 beside v1');
    expect(await progress.textContent()).toContain('step 1 of 3, 10 % of new sessions');
    expect(await page.textContent('#head')).toBe(canary.slice(0, 7));

    // suspended: a banner on every view
    expect((await post('/suspend', { reason: 'release freeze' })).status).toBe(200);
    const banner = await page.waitForSelector('#banner-suspended', { timeout: 15_000 });
    expect(await banner.textContent()).toContain('release freeze');
    expect(errors).toEqual([]);
  }, 240_000);
});
