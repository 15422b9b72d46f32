// What the runtime contract needs from each runtime under test: a fresh runtime, the specs of a
// few test servers in that runtime's terms, and a way to kill an instance behind the runtime's back.
import type { RuntimeCapabilities } from '../../../src/runtimes/capabilities.js';
import type { Runtime, StartContext } from '../../../src/runtimes/runtime.js';
import type { RenderedServer } from '../../../src/spec/desired.js';

export interface ContractWorld {
  ctx: StartContext;
  /** A new runtime (shut down by cleanup). */
  runtime(): Runtime;
  /** A stdio MCP server that answers and offers the tool `echo`; `version` changes its spec hash. */
  server(name: string, version?: string): RenderedServer;
  /** An MCP server speaking streamable HTTP on `port` and offering `echo`; undefined: no HTTP here. */
  httpServer?: (name: string, port: number) => RenderedServer;
  /** A second runtime over the same engine, as a restarted daemon builds it (it adopts what runs). */
  reopen(runtime: Runtime): Runtime;
  /** A stdio server that writes `fatal: ...` on stderr and exits with code 1 right after it starts. */
  exitingServer(name: string): RenderedServer;
  /** Kills the instance out of band (a crash, `docker kill`, OOM): not through the runtime. */
  kill?(runtime: Runtime, id: string): Promise<void>;
  cleanup(): Promise<void>;
}

export interface ContractSubject {
  name: string;
  /** Why this runtime cannot be tested here (no engine, no cluster); undefined: run. */
  skip?: string;
  /** Why this runtime runs no HTTP servers here (the HTTP test skips); undefined: world.httpServer is set. */
  noHttp?: string;
  /** Why instances cannot be killed out of band here (tests that need it skip); undefined: they can. */
  noKill?: string;
  /** What the runtime must declare. */
  capabilities: RuntimeCapabilities;
  /** How long one step may take on a busy machine (a container or pod starts slower than a process). */
  timeoutMs: number;
  world(): Promise<ContractWorld>;
}
