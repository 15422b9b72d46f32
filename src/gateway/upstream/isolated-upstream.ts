// stdio servers with spec.gateway.sessions: isolated: every client session gets an instance of its
// own, started through the runtime when the client initializes and removed when the session ends
// (DELETE, idle timeout, drain). The instance is then spoken to like an HTTP upstream's session
// (dedicated-upstream.ts): the client's own initialize goes through, and the server's requests
// (sampling, elicitation, roots) and notifications reach that one client. ADR 0009.
import { randomUUID } from 'node:crypto';
import type { Runtime, StartContext } from '../../runtimes/runtime.js';
import type { RenderedServer } from '../../spec/desired.js';
import type { GatewayLogger } from '../options.js';
import { describeError } from './client-lifecycle.js';
import { dedicatedSource } from './dedicated-upstream.js';
import type { OpenOptions, Upstream, UpstreamSource } from './upstream.js';

export interface IsolatedSourceOptions {
  server: RenderedServer;
  ctx: Omit<StartContext, 'signal'>;
  runtime: Pick<Runtime, 'start' | 'remove' | 'connect'>;
  connectTimeoutMs: number;
  logger: GatewayLogger;
  /** The instances the gateway started and has not removed yet (the gateway's, not the rollout's). */
  owned: OwnedInstances;
}

/** Marks a session instance's spec hash, so a sync that observes it while it starts leaves it alone. */
export const SESSION_HASH_SUFFIX = '-session';

/** Instances started for isolated sessions, and how many are starting (their ids not known yet). */
export class OwnedInstances {
  private readonly ids = new Set<string>();
  private starting = 0;

  has(inst: { id: string; labels: { specHash: string } }): boolean {
    return this.ids.has(inst.id) || (this.starting > 0 && inst.labels.specHash.endsWith(SESSION_HASH_SUFFIX));
  }

  async start<T extends { id: string }>(run: () => Promise<T>): Promise<T> {
    this.starting++;
    try {
      const inst = await run();
      this.ids.add(inst.id);
      return inst;
    } finally {
      this.starting--;
    }
  }

  delete(id: string): void {
    this.ids.delete(id);
  }
}

/** The variable each isolated instance finds its session's own id in (e.g. to name its own data file). */
export const SESSION_ENV = 'MCP_GITOPS_SESSION_ID';

function forSession(server: RenderedServer, id: string): RenderedServer {
  const env = (e: Record<string, string>) => ({ ...e, [SESSION_ENV]: id });
  return {
    ...server,
    specHash: `${server.specHash}${SESSION_HASH_SUFFIX}`,
    spec: { ...server.spec, env: env(server.spec.env) },
    masked: { ...server.masked, env: env(server.masked.env) },
  };
}

export function isolatedSource(o: IsolatedSourceOptions): UpstreamSource {
  const mine = new Set<string>();
  const name = o.server.spec.name;
  const remove = async (id: string): Promise<void> => {
    try {
      await o.runtime.remove(id);
    } catch (err) {
      o.logger.warn({ server: name, instanceId: id, err: describeError(err) }, 'gateway: could not remove an isolated session instance');
    } finally {
      mine.delete(id);
      o.owned.delete(id);
    }
  };
  let closed = false;
  return {
    shared: false,
    async open(opts: OpenOptions): Promise<Upstream> {
      const inst = await o.owned.start(() => o.runtime.start(forSession(o.server, randomUUID()), o.ctx));
      mine.add(inst.id);
      if (closed) {
        await remove(inst.id);
        throw new Error(`server ${name} is being retired`);
      }
      o.logger.debug({ server: name, instanceId: inst.id }, 'gateway: started an instance for an isolated session');
      try {
        const up = await dedicatedSource({ server: name, connect: () => o.runtime.connect(inst.id), connectTimeoutMs: o.connectTimeoutMs }).open(opts);
        return {
          ...up,
          async release() {
            await up.release();
            await remove(inst.id);
          },
        };
      } catch (err) {
        await remove(inst.id);
        throw err;
      }
    },
    async close() {
      closed = true;
      await Promise.all([...mine].map(remove));
    },
  };
}
