// The tool surface through real rollouts: recorded at the gate and shown by /status and
// `mcp-gitops tools`, a removed tool or a new required property reverted with BreakingToolChange, an
// allowed removal rolled out with its diff in history, durable across a restart. All of it on the
// process runtime; on the docker runtime one scenario for what the runtime takes part in (the gate
// on a container, the revert, the container a restarted daemon adopts with its recorded surface).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../cli/helpers/run-cli.js';
import type { Daemon, DaemonOptions, Status } from './helpers/daemon.js';
import { RUNTIMES } from './helpers/runtimes.js';
import { toolSurface } from './helpers/servers.js';
import { useWorld } from './helpers/use-world.js';
import type { World } from './helpers/world.js';
import type { ToolSurface } from '../../src/tools/surface.js';

const V1 = { TOOLS: 'echo,add,fetch', PROPS_echo: 'message', REQUIRED_add: 'a,b' };

async function reverted(d: Daemon, commit: string): Promise<Status> {
  return d.until(`${commit.slice(0, 7)} reverted`, (s) => s.history[0]?.commit === commit && s.history[0].result === 'reverted' && s.phase === 'Failed');
}

/** V1 deployed: its surface recorded at the gate, every tool added in history. */
async function firstDeployed(w: World, o: Partial<DaemonOptions> = {}): Promise<{ d: Daemon; first: string; st: Status; surface: ToolSurface }> {
  const first = w.repo.commit(w.server('svc', toolSurface(V1)));
  const d = await w.start(o);
  const st = await w.converged(d, first, ['svc']);
  const surface = st.servers[0].toolSurface!;
  expect(Object.keys(surface.tools)).toEqual(['add', 'echo', 'fetch']);
  expect(st.history[0].toolChanges).toEqual({ svc: { added: ['add', 'echo', 'fetch'], removed: [], changed: [] } });
  return { d, first, st, surface };
}

/** A version that drops fetch: reverted with BreakingToolChange, the old instance serves on. */
async function removalReverted(w: World, d: Daemon, before: Status): Promise<Status> {
  const drop = w.repo.commit(w.server('svc', toolSurface({ ...V1, TOOLS: 'echo,add' }, { version: '2' })));
  const st = await reverted(d, drop);
  expect(st.history[0]).toMatchObject({ reason: 'BreakingToolChange', message: 'svc: breaking tool change: removed: fetch' });
  expect(st.servers[0]).toMatchObject({ instanceId: before.servers[0].instanceId, toolSurface: before.servers[0].toolSurface });
  return st;
}

/** The same removal allowed in the spec (and a new description for echo): rolled out, the diff in history. */
async function allowedRemoval(w: World, d: Daemon): Promise<{ allowed: string; st: Status }> {
  const allowed = w.repo.commit(
    w.server('svc', toolSurface({ ...V1, TOOLS: 'echo,add', TOOL_DESC_echo: 'Echoes the message back' }, { version: '3', tools: { allowRemoved: ['fetch'] } })),
  );
  const st = await w.converged(d, allowed, ['svc']);
  expect(st.history[0]).toMatchObject({
    commit: allowed,
    result: 'succeeded',
    toolChanges: { svc: { added: [], removed: ['fetch'], changed: [{ name: 'echo', parts: ['description'] }] } },
  });
  expect(Object.keys(st.servers[0].toolSurface!.tools)).toEqual(['add', 'echo']);
  return { allowed, st };
}

const PROCESS = RUNTIMES.filter((rt) => rt.name === 'process');
const DOCKER = RUNTIMES.filter((rt) => rt.name === 'docker');

describe.each(PROCESS.map((rt) => [rt.name, rt] as const))('tool surface on the %s runtime', (_name, rt) => {
  const scene = useWorld(rt);

  it('records, diffs and gates the tool surface; it survives a restart', { timeout: 180_000 }, async () => {
    const w = scene.w;
    // the daemon follows main by name: the pull-request branch checked out below is never its head
    const followMain = { args: ['--branch', 'main'] };
    const deployed = await firstDeployed(w, followMain);
    const { first, surface } = deployed;
    let { d, st } = deployed;
    expect(surface.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    const serving = st.servers[0].instanceId;

    // mcp-gitops tools <server>: a row per tool with its short hashes; -o json is the surface
    const text = await cli(['tools', 'svc', '--server', d.url]);
    expect(text.code, text.err).toBe(0);
    expect(text.out).toContain(`Surface:  ${surface.hash}`);
    expect(text.out).toMatch(/^TOOL +DESCRIPTION +INPUT +OUTPUT +ANNOTATIONS$/m);
    expect(text.out).toMatch(new RegExp(`^add +${surface.tools.add.description.slice(7, 19)} +${surface.tools.add.inputSchema.slice(7, 19)} `, 'm'));
    const json = JSON.parse((await cli(['tools', 'svc', '--server', d.url, '-o', 'json'])).out) as { toolSurface: unknown };
    expect(json.toolSurface).toEqual(surface);
    expect((await cli(['tools', 'nope', '--server', d.url])).code).toBe(2);

    st = await removalReverted(w, d, st);
    expect(st).toMatchObject({ reason: 'BreakingToolChange', revision: { applied: first } });

    // plan --probe: a pull-request commit on another branch, against the tools the daemon approved;
    // it runs the new version on a scratch runtime and touches nothing of what runs
    const main = w.repo.git('rev-parse', '--abbrev-ref', 'HEAD').trim();
    w.repo.git('checkout', '-q', '-b', 'pr');
    const pr = w.repo.commit(w.server('svc', toolSurface({ ...V1, TOOLS: 'echo,add,search', REQUIRED_add: 'a,b,c' }, { version: '9' })));
    w.repo.git('checkout', '-q', main);
    const historyBefore = st.history;
    const cliState = join(w.dir, 'cli-state');
    const probed = await cli(['plan', '--probe', '--repo', w.repo.dir, '--rev', pr, '--server', d.url, '--state-dir', cliState]);
    expect(probed.code, probed.out + probed.err).toBe(1);
    expect(probed.out).toMatch(/^ {2}svc {2}1 -> 9 {2}\+search -fetch ~add\(inputSchema\)$/m);
    expect(probed.out).toContain('BREAKING: removed: fetch; add: new required property "c"');
    const asJson = JSON.parse(
      (await cli(['plan', '--probe', '--repo', w.repo.dir, '--rev', pr, '--server', d.url, '--state-dir', cliState, '-o', 'json'])).out,
    ) as {
      servers: { server: string; diff: unknown; breaking: { tool: string }[] }[];
    };
    expect(asJson.servers).toMatchObject([
      {
        server: 'svc',
        diff: { added: ['search'], removed: ['fetch'] },
        breaking: [
          { tool: 'add', kind: 'schema' },
          { tool: 'fetch', kind: 'removed' },
        ],
      },
    ]);
    // the plan shows the approved surface of a server it would update
    const planned = await cli(['plan', '--repo', w.repo.dir, '--rev', pr, '--state-dir', w.stateDir]);
    expect(planned.out).toContain(`approved tools of svc (${surface.hash.slice(7, 19)}): add, echo, fetch`);
    st = await d.status();
    expect(st.servers[0]).toMatchObject({ instanceId: serving, toolSurface: surface });
    expect(st.history).toEqual(historyBefore);

    const { allowed } = await allowedRemoval(w, d);

    // a new required property on add: reverted
    const required = w.repo.commit(
      w.server('svc', toolSurface({ ...V1, TOOLS: 'echo,add', TOOL_DESC_echo: 'Echoes the message back', REQUIRED_add: 'a,b,c' }, { version: '4' })),
    );
    st = await reverted(d, required);
    expect(st.history[0]).toMatchObject({ reason: 'BreakingToolChange', message: 'svc: breaking tool change: add: new required property "c"' });
    const approved = st.servers[0].toolSurface!;

    // durable: in the state file, and in /status after a restart (the process runtime starts the server again)
    expect(await d.stop()).toBe(0);
    const saved = JSON.parse(readFileSync(join(w.stateDir, 'state.json'), 'utf8')) as { servers: Record<string, { toolSurface?: unknown }> };
    expect(saved.servers.svc.toolSurface).toEqual(approved);
    d = await w.start(followMain);
    st = await w.converged(d, allowed, ['svc']);
    expect(st.servers[0].toolSurface).toEqual(approved);
    expect(st.history[0]).toMatchObject({ commit: required, result: 'reverted' });
  });
});

describe.each(DOCKER.map((rt) => [rt.name, rt] as const))('tool surface on the %s runtime', (_name, rt) => {
  const scene = useWorld(rt);

  it('recorded at the gate of a container, a removal reverted with BreakingToolChange, an allowed one rolled out with its diff; the adopted container keeps its recorded surface across a daemon restart', async () => {
    const w = scene.w;
    const deployed = await firstDeployed(w);
    let { d, st } = deployed;
    const serving = st.servers[0].instanceId;
    // the new container is removed with the revert
    await removalReverted(w, d, st);
    await w.noOrphans(['svc']);
    const rolled = await allowedRemoval(w, d);
    const { allowed } = rolled;
    st = rolled.st;
    const approved = st.servers[0].toolSurface!;
    const container = st.servers[0].instanceId;
    expect(container).not.toBe(serving);

    // durable: a restarted daemon adopts the running container and shows the surface on record
    expect(await d.stop()).toBe(0);
    d = await w.start();
    st = await w.converged(d, allowed, ['svc']);
    expect(st.servers[0]).toMatchObject({ instanceId: container, toolSurface: approved });
    expect(JSON.parse((await cli(['tools', 'svc', '--server', d.url, '-o', 'json'])).out)).toMatchObject({ toolSurface: approved });
    await w.noOrphans(['svc']);
  }, 150_000);
});
