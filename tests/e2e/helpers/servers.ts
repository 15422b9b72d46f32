// MCPServer documents for real servers from node_modules and the failure fixtures.
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const EVERYTHING = `${ROOT}node_modules/@modelcontextprotocol/server-everything/dist/index.js`;
export const MEMORY = `${ROOT}node_modules/@modelcontextprotocol/server-memory/dist/index.js`;
export const fixture = (name: string): string => `${ROOT}tests/fixtures/servers/${name}`;

export interface Spec {
  version?: string;
  args: string[];
  transport?: 'stdio' | 'streamable-http';
  /** A number, or a template ("{{ 8100 + replica.index }}"). */
  port?: number | string;
  /** spec.replicas. */
  replicas?: number;
  env?: Record<string, string>;
  dependsOn?: string[];
  expectTools?: string[];
  timeoutSeconds?: number;
  strategy?: 'blue-green' | 'recreate' | 'canary';
  /** spec.rollout.canary (with strategy canary). */
  canary?: Record<string, unknown>;
  enabled?: boolean;
  /** health.checks entries, as written. */
  checks?: object[];
  /** spec.tools (allow, deny, pin, ...). */
  tools?: Record<string, unknown>;
  /** docker: the image, and the executable inside it (default: this node). */
  image?: string;
  command?: string;
}

/** One MCPServer document; every process it starts carries E2E_RUN=<marker> in its environment. */
export function mcpServer(marker: string, name: string, s: Spec): string {
  const spec = {
    version: s.version ?? '1',
    ...(s.transport && { transport: s.transport }),
    ...(s.image && { image: s.image }),
    command: s.command ?? process.execPath,
    args: s.args,
    ...(s.port !== undefined && { port: s.port }),
    ...(s.replicas !== undefined && { replicas: s.replicas }),
    env: { E2E_RUN: marker, ...s.env },
    ...(s.dependsOn && { dependsOn: s.dependsOn }),
    ...(s.enabled === false && { enabled: false }),
    health: { timeoutSeconds: s.timeoutSeconds ?? 15, expectTools: s.expectTools ?? [], ...(s.checks && { checks: s.checks }) },
    ...(s.strategy && { rollout: { strategy: s.strategy, ...(s.canary && { canary: s.canary }) } }),
    ...(s.tools && { tools: s.tools }),
  };
  return `apiVersion: mcp-gitops/v1\nkind: MCPServer\nmetadata:\n  name: ${name}\nspec: ${JSON.stringify(spec)}\n`;
}

export const everythingStdio = (o: Partial<Spec> = {}): Spec => ({ args: [EVERYTHING, 'stdio'], expectTools: ['echo'], ...o });

export const memory = (file: string, o: Partial<Spec> = {}): Spec => ({ args: [MEMORY], env: { MEMORY_FILE_PATH: file }, expectTools: ['read_graph'], ...o });

/** server-everything over streamable HTTP on `port`, listening only after `delayMs` (a slow start). */
export const delayedHttp = (port: number, delayMs: number, o: Partial<Spec> = {}): Spec => ({
  args: [fixture('delayed-http.mjs')],
  transport: 'streamable-http',
  port,
  env: { PORT: String(port), DELAY_MS: String(delayMs) },
  expectTools: ['echo'],
  ...o,
});

/** tests/fixtures/servers/flaky-tools.mjs as `version`: `work` fails at `errorRate` and answers after `delayMs`. */
export const flaky = (version: string, errorRate: number, delayMs = 0, o: Partial<Spec> = {}): Spec => ({
  args: [fixture('flaky-tools.mjs')],
  version,
  env: { VERSION: version, ERROR_RATE: String(errorRate), DELAY_MS: String(delayMs) },
  expectTools: ['work'],
  ...o,
});

export const exitAtStart = (o: Partial<Spec> = {}): Spec => ({ args: [fixture('exit-at-start.mjs')], ...o });
export const hang = (o: Partial<Spec> = {}): Spec => ({ args: [fixture('hang.mjs')], timeoutSeconds: 1.5, ...o });
/** A valid server that lacks read_graph. */
export const partial = (o: Partial<Spec> = {}): Spec => ({ args: [fixture('partial-server.mjs')], expectTools: ['read_graph'], ...o });

/** A dependency-free MCP server (stdio, one `echo` tool): many fit in memory. */
export const minimalStdio = (o: Partial<Spec> = {}): Spec => ({ args: [fixture('minimal-stdio.mjs')], expectTools: ['echo'], ...o });

/** tool-surface.mjs: its tools, descriptions and input schemas from `env` (see the fixture). */
export const toolSurface = (env: Record<string, string>, o: Partial<Spec> = {}): Spec => ({ args: [fixture('tool-surface.mjs')], env, ...o });
