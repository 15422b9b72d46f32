// spec.replicas against the real daemon. Docker: 3 replicas of server-everything (stdio), each
// gated; new sessions spread over them (fewest open sessions first), each session stays on its
// replica; killing one replica's container through the engine ends only its sessions, the others
// keep working, and the replica is repaired on its own. Process: 2 HTTP replicas on ports from
// {{ replica.index }}. Each replica says which it is through get-env (REPLICA={{ replica.index }}).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { describe, expect, it } from 'vitest';
import type { Daemon, Status } from './helpers/daemon.js';
import { freePort } from './helpers/procs.js';
import { RUNTIMES, PROCESS } from './helpers/runtimes.js';
import { everythingStdio, fixture } from './helpers/servers.js';
import { World } from './helpers/world.js';
import { probeEngine } from '../helpers/docker/engine.js';
import { IN_IMAGE } from '../helpers/docker/images.js';

const docker = RUNTIMES.find((r) => r.name === 'docker');
const engine = docker ? await probeEngine() : undefined;

interface Opened {
  client: Client;
  replica: string;
}

async function open(url: string, name: string): Promise<Opened> {
  const client = new Client({ name, version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return { client, replica: await replicaOf(client) };
}

/** The REPLICA variable of the instance the session runs on. */
async function replicaOf(c: Client): Promise<string> {
  const r = (await c.callTool({ name: 'get-env', arguments: {} })) as { content: { type: string; text: string }[] };
  const env = JSON.parse(r.content[0].text) as Record<string, string>;
  return env.REPLICA;
}

async function echo(c: Client, message: string): Promise<string> {
  const r = (await c.callTool({ name: 'echo', arguments: { message } })) as { content: { text: string }[] };
  return r.content[0].text;
}

function replicasOf(s: Status, name: string) {
  return s.servers.find((x) => x.name === name)?.replicas;
}

async function withWorld(w: World, body: (w: World) => Promise<void>): Promise<void> {
  try {
    await body(w);
  } finally {
    await w.cleanup();
  }
}

describe.skipIf(!docker || !engine?.ok)('replicas on the docker runtime', () => {
  it(
    '3 replicas are each gated; sessions spread; a killed replica ends only its sessions and is repaired',
    () =>
      withWorld(new World(docker), async (w) => {
        const sha = w.repo.commit(w.server('ev', everythingStdio({ replicas: 3, env: { REPLICA: '{{ replica.index }}' }, expectTools: ['echo', 'get-env'] })));
        const d: Daemon = await w.start();
        const st = await w.converged(d, sha, ['ev']);
        const reps = replicasOf(st, 'ev')!;
        expect(reps).toMatchObject({ desired: 3, ready: 3 });
        expect(reps.instances.map((i) => i.index)).toEqual([0, 1, 2]);
        expect(new Set(reps.instances.map((i) => i.instanceId)).size).toBe(3);
        expect((await w.rt.instanceIds(w.stateDir, w.marker)).sort()).toEqual(reps.instances.map((i) => i.instanceId).sort());
        const metrics = await (await fetch(`${d.url}/metrics`)).text();
        expect(metrics).toContain('mcp_gitops_server_replicas{server="ev",state="ready"} 3');
        const url = st.servers[0].endpoint!;

        // six sessions, opened one after another: two on each replica
        const sessions: Opened[] = [];
        for (let i = 0; i < 6; i++) sessions.push(await open(url, `s${i}`));
        const per = (r: string): number => sessions.filter((s) => s.replica === r).length;
        expect([per('0'), per('1'), per('2')]).toEqual([2, 2, 2]);

        // kill replica 1's container through the engine
        const victim = reps.instances.find((i) => i.index === 1)!.instanceId;
        await engine!.engine!.docker.getContainer(victim).kill();
        const down = await d.until(
          'replica 1 out of the serving set',
          (s) => (replicasOf(s, 'ev')?.ready ?? 3) < 3 || replicasOf(s, 'ev')?.instances.every((i) => i.instanceId !== victim) === true,
        );
        expect(down.servers[0].phase).toBe('Running');

        // the sessions on the other replicas keep working; those on replica 1 get a clean error
        for (const s of sessions.filter((x) => x.replica !== '1')) expect(await echo(s.client, `still ${s.replica}`)).toBe(`Echo: still ${s.replica}`);
        for (const s of sessions.filter((x) => x.replica === '1'))
          await expect(echo(s.client, 'gone')).rejects.toThrow(/stopped|ended|initialize a new session/i);

        // repaired on its own: a new replica 1, the others untouched
        const back = await d.until(
          'replica 1 repaired',
          (s) => replicasOf(s, 'ev')?.ready === 3 && replicasOf(s, 'ev')!.instances.every((i) => i.instanceId !== victim) && s.servers[0].health === 'Healthy',
          60_000,
        );
        const after = replicasOf(back, 'ev')!.instances;
        expect(after.filter((i) => i.index !== 1)).toEqual(reps.instances.filter((i) => i.index !== 1));
        const fresh = await open(url, 'fresh');
        expect(fresh.replica).toBe('1'); // the repaired replica has the fewest sessions
        expect(await echo(fresh.client, 'new')).toBe('Echo: new');
        for (const s of [...sessions, fresh]) await s.client.close().catch(() => undefined);
      }),
    180_000,
  );
});

describe.skipIf(!docker || !engine?.ok)('replicas on the docker runtime: one failing replica', () => {
  it(
    'a version whose replica 1 fails its gate is reverted; the old set keeps serving',
    () =>
      withWorld(new World(docker), async (w) => {
        const env = { REPLICA: '{{ replica.index }}' };
        const v1 = w.repo.commit(w.server('ev', everythingStdio({ replicas: 2, env, expectTools: ['echo', 'get-env'] })));
        const d = await w.start();
        const before = replicasOf(await w.converged(d, v1, ['ev']), 'ev')!;
        // v2: replica 1 exits at start (replica 0 would pass)
        const script = `if (process.env.REPLICA === '1') { console.error('replica 1 refuses'); process.exit(3); } else { import('${IN_IMAGE.everything}'); }`;
        const v2 = w.repo.commit(w.server('ev', { ...everythingStdio({ replicas: 2, env, expectTools: ['echo'], version: '2' }), args: ['-e', script] }));
        const st = await d.until('v2 reverted', (s) => s.history[0]?.commit === v2 && s.history[0].result === 'reverted', 60_000);
        expect(st.history[0].message).toMatch(/replica 1 of 2/);
        const after = await w.converged(d, v1, ['ev']);
        expect(replicasOf(after, 'ev')!.instances).toEqual(before.instances);
        const s = await open(after.servers[0].endpoint!, 'after');
        expect(await echo(s.client, 'v1')).toBe('Echo: v1');
        await s.client.close();
      }),
    180_000,
  );
});

describe('replicas on the process runtime', () => {
  it(
    '2 HTTP replicas listen on ports from {{ replica.index }}; sessions spread over both',
    () =>
      withWorld(new World(PROCESS), async (w) => {
        const base = await freePort();
        const sha = w.repo.commit(
          w.server('web', {
            args: [fixture('delayed-http.mjs')],
            transport: 'streamable-http',
            port: `{{ ${base} + replica.index }}`,
            env: { PORT: `{{ ${base} + replica.index }}`, DELAY_MS: '0', REPLICA: '{{ replica.index }}' },
            replicas: 2,
            expectTools: ['echo', 'get-env'],
          }),
        );
        const d = await w.start();
        const st = await w.converged(d, sha, ['web']);
        expect(replicasOf(st, 'web')).toMatchObject({ desired: 2, ready: 2 });
        const url = st.servers[0].endpoint!;
        const sessions: Opened[] = [];
        for (let i = 0; i < 4; i++) sessions.push(await open(url, `s${i}`));
        expect(sessions.map((s) => s.replica).sort()).toEqual(['0', '0', '1', '1']);
        for (const s of sessions) expect(await echo(s.client, 'hi')).toBe('Echo: hi');
        for (const s of sessions) await s.client.close().catch(() => undefined);
      }),
    120_000,
  );
});
