// One runtime for the reconciler, the gate and the gateway: servers with a url go to the remote
// runtime, every other server to the runtime the daemon was started with. Nobody above needs to
// know that a server is remote: it is started (recorded), gated, served and replaced like any other.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { ExitInfo, Instance, Runtime, StartContext } from '../runtimes/runtime.js';
import type { RenderedServer } from '../spec/desired.js';
import { isRemoteId, isRemoteServer, RemoteRuntime, type RemoteRuntimeOptions } from './remote-runtime.js';

export function withRemotes(inner: Runtime, options: RemoteRuntimeOptions = {}): Runtime {
  const remote = new RemoteRuntime(options);
  return {
    capabilities: inner.capabilities,
    async observe(): Promise<Instance[]> {
      const [own, remotes] = await Promise.all([inner.observe(), remote.observe()]);
      return [...own, ...remotes];
    },
    start(server: RenderedServer, ctx: StartContext): Promise<Instance> {
      return isRemoteServer(server.spec) ? remote.start(server, ctx) : inner.start(server, ctx);
    },
    remove(id: string): Promise<void> {
      return isRemoteId(id) ? remote.remove(id) : inner.remove(id);
    },
    connect(id: string): Promise<Transport> {
      return isRemoteId(id) ? remote.connect(id) : inner.connect(id);
    },
    onExit(listener: (info: ExitInfo) => void): () => void {
      const a = inner.onExit(listener);
      const b = remote.onExit(listener);
      return () => {
        a();
        b();
      };
    },
    async shutdown(): Promise<void> {
      await Promise.all([remote.shutdown(), inner.shutdown()]);
    },
  };
}
