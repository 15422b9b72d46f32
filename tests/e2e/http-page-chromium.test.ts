// The status page of the real daemon in headless Chromium (Debian's, driven by playwright-core): the
// server rows of a real rollout appear, and a new commit shows up without a reload (via /events).
import { chromium as pw } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM_FLAGS, requireTool } from '../http/tools.js';
import { everythingStdio, memory } from './helpers/servers.js';
import { useWorld } from './helpers/use-world.js';

const chromium = requireTool('chromium', 'chromium');

const scene = useWorld();

describe.skipIf(chromium.skip)(`status page of the real daemon in Chromium${chromium.skip ? ` (skipped: ${chromium.skip})` : ''}`, () => {
  it('shows the deployed servers with phase, health, version and tools, and follows a rollout live', async () => {
    const w = scene.w;
    const mem = `${w.dir}/memory.json`;
    const first = w.repo.commit({ ...w.server('everything', everythingStdio()), ...w.server('memory', memory(mem, { dependsOn: ['everything'] })) });
    const d = await w.start();
    const st = await w.converged(d, first, ['everything', 'memory']);
    const browser = scene.later(await pw.launch({ executablePath: chromium.path!, args: CHROMIUM_FLAGS.filter((f) => f !== '--headless') }), (b) => b.close());
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${d.url}/?refresh=0`); // no polling: only /events can update the page
    await page.waitForSelector('tr[data-server="memory"]', { timeout: 15_000 });

    const rows = page.locator('tr[data-server]');
    expect([await rows.nth(0).getAttribute('data-server'), await rows.nth(1).getAttribute('data-server'), await rows.count()]).toEqual([
      'everything',
      'memory',
      2,
    ]);
    expect(await page.textContent('#phase')).toBe('Synced');
    expect(await page.textContent('#applied')).toBe(first.slice(0, 7));
    expect(await page.textContent('#lastGood')).toBe(first.slice(0, 7));
    const cells = (name: string) => page.locator(`tr[data-server="${name}"] td`).allTextContents();
    const everything = await cells('everything');
    expect(everything.slice(0, 6)).toEqual(['everything', '1', first.slice(0, 7), 'Running', 'Healthy', st.servers[0].endpoint]);
    expect(everything[6]).toContain('get-sum');
    expect((await cells('memory'))[6]).toContain('read_graph');
    expect(await page.locator('#history tr').first().textContent()).toContain('succeeded');

    // a new commit: the page learns of it from /events, no reload
    const second = w.repo.commit(w.server('everything', everythingStdio({ version: '2' })));
    await page.waitForSelector(`#applied:text-is("${second.slice(0, 7)}")`, { timeout: 20_000 });
    await page.waitForSelector('tr[data-server="everything"] td:nth-child(2):text-is("2")', { timeout: 20_000 });
    expect((await cells('everything')).slice(0, 3)).toEqual(['everything', '2', second.slice(0, 7)]);
    expect((await cells('memory')).slice(0, 3)).toEqual(['memory', '1', first.slice(0, 7)]); // untouched by the second commit
    expect(await page.locator('#history tr').count()).toBe(2);
    expect(errors).toEqual([]);
  }, 90_000);
});
