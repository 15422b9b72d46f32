// A state file that cannot be read (torn by a disk fault, edited by hand, from a future version):
// the daemon keeps it aside, says so at start, and converges from what runs, with no orphans.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../e2e/helpers/procs.js';
import { delayedHttp, everythingStdio, memory } from '../e2e/helpers/servers.js';
import { World } from '../e2e/helpers/world.js';
import { checkRecovery, SERVERS } from './helpers/recovery-checks.js';

let w: World | undefined;
afterEach(async () => {
  await w?.cleanup();
  w = undefined;
});

describe('unreadable state file', () => {
  it.each([
    ['truncated JSON', '{"schemaVersion": 1, "applied": "'],
    ['binary garbage', '\u0000\u00ff\u0001garbage'],
    ['a future schema version', '{"schemaVersion": 9, "applied": null, "history": []}'],
  ])('%s: kept aside, a warning at start, converged to the head, no orphans', async (_name, garbage) => {
    w = new World();
    const sha = w.repo.commit({
      ...w.server('a', everythingStdio()),
      ...w.server('b', delayedHttp(await freePort(), 0, { dependsOn: ['a'] })),
      ...w.server('c', memory(`${w.dir}/memory.json`, { dependsOn: ['b'] })),
    });
    const first = await w.start();
    await w.converged(first, sha, SERVERS);
    await first.kill();
    writeFileSync(join(w.stateDir, 'state.json'), garbage);

    const r = await checkRecovery(w, { target: sha, states: [] });
    expect(r.problems).toEqual([]);
    const aside = readdirSync(w.stateDir).filter((n) => n.startsWith('state.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(w.stateDir, aside[0]), 'utf8')).toBe(garbage);
    // the log said what happened and where the old file went
    const warning = r.logs?.find((l) => l.msg.startsWith('state file was unreadable'));
    expect(warning).toMatchObject({ level: 40 });
    expect(warning?.msg).toContain(`moved to ${join(w.stateDir, aside[0])}`);
  });
});
