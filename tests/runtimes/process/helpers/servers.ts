// RenderedServer values for tests, and where the real servers and fixtures live.
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { DesiredServer, RenderedServer } from '../../../../src/spec/desired.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

export const paths = {
  root,
  everything: `${root}node_modules/@modelcontextprotocol/server-everything/dist/index.js`,
  memory: `${root}node_modules/@modelcontextprotocol/server-memory/dist/index.js`,
  fixture: (name: string): string => `${root}tests/fixtures/servers/${name}`,
};

export function desired(overrides: Partial<DesiredServer> & { name: string }): DesiredServer {
  return {
    labels: {},
    version: '1.0.0',
    transport: 'stdio',
    command: process.execPath,
    args: [],
    env: {},
    dependsOn: [],
    health: { timeoutSeconds: 10, expectTools: [], stabilizationSeconds: 0 },
    rollout: { strategy: 'blue-green' },
    source: { file: 'servers.yaml', line: 1 },
    ...overrides,
  };
}

export function rendered(overrides: Partial<DesiredServer> & { name: string }, secretValues: string[] = []): RenderedServer {
  return asRendered(desired(overrides), secretValues);
}

/** A spec as the renderer would hand it over: masked = spec, hash of its JSON. */
export function asRendered(spec: DesiredServer, secretValues: string[] = []): RenderedServer {
  return {
    spec,
    masked: spec,
    specHash: createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 16),
    secretValues,
  };
}

/** server-everything in one of its modes; http modes listen on PORT. */
export function everything(name: string, mode: 'stdio' | 'sse' | 'streamableHttp', port?: number): RenderedServer {
  const transport = mode === 'stdio' ? 'stdio' : mode === 'sse' ? 'sse' : 'streamable-http';
  return rendered({
    name,
    transport,
    args: [paths.everything, mode],
    ...(port !== undefined ? { port, env: { PORT: String(port) } } : {}),
  });
}

export function memory(name: string, memoryFile: string): RenderedServer {
  return rendered({ name, args: [paths.memory], env: { MEMORY_FILE_PATH: memoryFile } });
}

export function fixture(name: string, script: string, overrides: Partial<DesiredServer> = {}): RenderedServer {
  return rendered({ name, ...overrides, args: [paths.fixture(script), ...(overrides.args ?? [])] });
}
