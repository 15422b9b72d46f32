// The behaviour every Runtime owes the reconciler, whatever runs the servers: one suite, run against
// the in-memory, process, docker and (with KUBECONFIG) kubernetes runtimes by the *.test.ts beside it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { isRuntimeError } from '../../../src/runtimes/errors.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { ExitInfo, Runtime } from '../../../src/runtimes/runtime.js';
import { createHttpTransport } from '../../../src/runtimes/http-transport.js';
import { rejection, waitFor } from '../../helpers/docker/wait.js';
import { freePort } from '../process/helpers/system.js';
import type { ContractSubject, ContractWorld } from './subject.js';

async function tools(rt: Runtime, id: string): Promise<string[]> {
  return toolsOver(await rt.connect(id));
}

async function toolsOver(transport: Transport): Promise<string[]> {
  const client = new Client({ name: 'contract', version: '1' });
  await client.connect(transport);
  try {
    return (await client.listTools()).tools.map((t) => t.name);
  } finally {
    await client.close();
  }
}

/** The instance dies at start: reported to onExit, or (a runtime that waits for readiness) start() rejects. */
async function exitAtStart(w: ContractWorld, rt: Runtime, within: number): Promise<string> {
  const exits: ExitInfo[] = [];
  rt.onExit((e) => exits.push(e));
  const started = await rt.start(w.exitingServer('broken'), w.ctx).catch((err: unknown) => err);
  if (!('id' in (started as object))) {
    expect(isRuntimeError(started, 'RUNTIME_START_FAILED')).toBe(true);
    expect(await rt.observe()).toEqual([]);
    return (started as Error).message.replace(/^\w+ /, ''); // "pod exited ...": the runtime's noun first
  }
  const id = (started as { id: string }).id;
  const exit = await waitFor('onExit', () => exits.find((e) => e.id === id), within);
  expect(exit.server).toBe('broken');
  return exit.message;
}

export function runtimeContract(subject: ContractSubject): void {
  const why = subject.skip ? ` (skipped: ${subject.skip})` : subject.noKill ? ` (out-of-band kill tests skipped: ${subject.noKill})` : '';
  const title = `runtime contract: ${subject.name}${why}`;
  describe.skipIf(subject.skip !== undefined)(title, { timeout: subject.timeoutMs * 4 }, () => {
    let w: ContractWorld;
    const within = subject.timeoutMs;
    beforeEach(async () => {
      w = await subject.world();
    }, subject.timeoutMs);
    afterEach(async () => {
      await w.cleanup();
    }, subject.timeoutMs);

    it('declares its capabilities', () => {
      expect(w.runtime().capabilities).toEqual(subject.capabilities);
    });

    it('start() returns a running, labelled instance that observe() lists and connect() reaches over MCP', async () => {
      const rt = w.runtime();
      const server = w.server('alpha');
      const inst = await rt.start(server, w.ctx);
      expect(inst).toMatchObject({ state: 'running', labels: { server: 'alpha', commit: w.ctx.commit, specHash: server.specHash } });
      expect(Number.isNaN(Date.parse(inst.startedAt))).toBe(false);
      expect(await rt.observe()).toEqual([expect.objectContaining({ id: inst.id, state: 'running', labels: inst.labels, endpoint: inst.endpoint })]);
      expect(await tools(rt, inst.id)).toContain('echo');
      // a closed client only detached: a second one gets through to the same instance
      expect(await tools(rt, inst.id)).toContain('echo');
    });

    it('a runtime built anew over the same engine (a restarted daemon) observes the instances with their labels', async () => {
      const rt = w.runtime();
      const server = w.httpServer?.('alpha', await freePort()) ?? w.server('alpha'); // adopted stdio processes lose their pipes
      const inst = await rt.start(server, w.ctx);
      const next = w.reopen(rt);
      expect(await next.observe()).toEqual([expect.objectContaining({ id: inst.id, state: 'running', labels: inst.labels, endpoint: inst.endpoint })]);
    });

    it.skipIf(subject.noHttp !== undefined)(
      'an http instance: connect() reaches it; at its endpoint URL too when endpoints are reachable; its port is not shared when host ports are',
      async () => {
        const httpServer = w.httpServer!;
        const rt = w.runtime();
        const port = await freePort();
        const inst = await rt.start(httpServer('web', port), w.ctx);
        expect(inst.endpoint).toMatchObject({ kind: 'http', transport: 'streamable-http' });
        expect(await waitFor('the server to answer', () => tools(rt, inst.id).catch(() => undefined), within)).toContain('echo');
        const { endpoint } = inst;
        if (subject.capabilities.endpointsReachable && endpoint.kind === 'http') {
          expect(await toolsOver(createHttpTransport(endpoint.transport, endpoint.url))).toContain('echo');
        }
        if (subject.capabilities.sharedHostPorts) {
          expect(isRuntimeError(await rejection(rt.start(httpServer('web', port), w.ctx)), 'RUNTIME_PORT_IN_USE')).toBe(true);
        }
      },
    );

    it('starts a new instance beside a running one of the same server, each with its own labels', async () => {
      const rt = w.runtime();
      const one = await rt.start(w.server('alpha', '1.0.0'), w.ctx);
      const two = await rt.start(w.server('alpha', '2.0.0'), w.ctx);
      expect(two.id).not.toBe(one.id);
      expect(two.labels.specHash).not.toBe(one.labels.specHash);
      const seen = await rt.observe();
      expect(seen.map((i) => i.id).sort()).toEqual([one.id, two.id].sort());
      expect(seen.every((i) => i.state === 'running')).toBe(true);
    });

    it.skipIf(subject.noKill !== undefined)('remove() forgets the instance, reports no exit, and is idempotent (unknown ids too)', async () => {
      const rt = w.runtime();
      const exits: ExitInfo[] = [];
      rt.onExit((e) => exits.push(e));
      const gone = await rt.start(w.server('alpha'), w.ctx);
      const kept = await rt.start(w.server('beta'), w.ctx);
      await rt.remove(gone.id);
      expect((await rt.observe()).map((i) => i.id)).toEqual([kept.id]);
      await rt.remove(gone.id);
      await rt.remove('never-started-0000');
      // an exit that is news: once it is heard, the removal's own end would have been heard too
      await w.kill!(rt, kept.id);
      await waitFor('the exit of beta', () => exits.length > 0, within);
      expect(exits.map((e) => e.id)).toEqual([kept.id]);
      expect(isRuntimeError(await rejection(rt.connect(gone.id)), 'RUNTIME_INSTANCE_NOT_FOUND')).toBe(true);
    });

    it.skipIf(subject.noKill !== undefined)(
      'an instance killed out of band is reported to onExit, stays observable as exited, and refuses connect',
      async () => {
        const rt = w.runtime();
        const exits: ExitInfo[] = [];
        rt.onExit((e) => exits.push(e));
        const inst = await rt.start(w.server('alpha'), w.ctx);
        await w.kill!(rt, inst.id);
        const exit = await waitFor('onExit', () => exits[0], within);
        expect(exit).toEqual({ id: inst.id, server: 'alpha', message: expect.any(String) as unknown });
        expect(exit.message).not.toBe('');
        expect(await rt.observe()).toEqual([expect.objectContaining({ id: inst.id, state: 'exited', message: exit.message })]);
        expect(isRuntimeError(await rejection(rt.connect(inst.id)), 'RUNTIME_NOT_RUNNING')).toBe(true);
        await rt.remove(inst.id);
        expect(await rt.observe()).toEqual([]);
      },
    );

    it('an instance that exits at start is reported with its exit code and last stderr line', async () => {
      expect(await exitAtStart(w, w.runtime(), within)).toMatch(/^exited with code 1: fatal: /);
    });

    it.skipIf(subject.noKill !== undefined)('onExit returns an unsubscribe: a removed listener hears nothing', async () => {
      const rt = w.runtime();
      const heard: string[] = [];
      const off = rt.onExit(() => heard.push('removed listener'));
      rt.onExit((e) => heard.push(e.id));
      off();
      const inst = await rt.start(w.server('alpha'), w.ctx);
      await w.kill!(rt, inst.id);
      await waitFor('the exit', () => heard.length > 0, within);
      expect(heard).toEqual([inst.id]);
    });

    it('a start whose signal is aborted rejects with RUNTIME_START_CANCELLED and leaves nothing behind', async () => {
      const rt = w.runtime();
      const before = new AbortController();
      before.abort();
      const early = await rejection(rt.start(w.server('alpha'), { ...w.ctx, signal: before.signal }));
      expect(isRuntimeError(early, 'RUNTIME_START_CANCELLED')).toBe(true);
      const during = new AbortController();
      const started = rt.start(w.server('beta'), { ...w.ctx, signal: during.signal });
      during.abort();
      expect(isRuntimeError(await rejection(started), 'RUNTIME_START_CANCELLED')).toBe(true);
      expect(await rt.observe()).toEqual([]);
    });

    it('shutdown() resolves, can be called twice, and a runtime shut down starts nothing more', async () => {
      const rt = w.runtime();
      await rt.start(w.server('alpha'), w.ctx);
      await rt.shutdown();
      await rt.shutdown();
      expect(isRuntimeError(await rejection(rt.start(w.server('late'), w.ctx)), 'RUNTIME_SHUT_DOWN')).toBe(true);
    });
  });
}
