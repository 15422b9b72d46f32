// RenderedServer values that run in the test image.
import { createHash } from 'node:crypto';
import type { DesiredServer, RenderedServer } from '../../../src/spec/desired.js';
import { IN_IMAGE, TEST_IMAGE } from './images.js';

export function dockerServer(overrides: Partial<DesiredServer> & { name: string }, secretValues: string[] = []): RenderedServer {
  const spec: DesiredServer = {
    labels: {},
    version: '1.0.0',
    transport: 'stdio',
    image: TEST_IMAGE,
    args: [],
    env: {},
    dependsOn: [],
    health: { timeoutSeconds: 10, expectTools: [], stabilizationSeconds: 0 },
    rollout: { strategy: 'blue-green' },
    source: { file: 'servers.yaml', line: 1 },
    ...overrides,
  };
  return { spec, masked: spec, specHash: createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 16), secretValues };
}

/** server-everything over stdio: the image's own entrypoint and cmd. */
export function everythingStdio(name: string, overrides: Partial<DesiredServer> = {}): RenderedServer {
  return dockerServer({ name, ...overrides });
}

/** server-everything over streamable HTTP on `port` of the host (args replace the image's cmd). */
export function everythingHttp(name: string, port: number, overrides: Partial<DesiredServer> = {}): RenderedServer {
  return dockerServer({ name, transport: 'streamable-http', port, args: ['streamableHttp'], env: { PORT: String(port) }, ...overrides });
}

/** `node -e <code>` in the image (command replaces the entrypoint). */
export function nodeScript(name: string, code: string, overrides: Partial<DesiredServer> = {}): RenderedServer {
  return dockerServer({ name, command: IN_IMAGE.node, args: ['-e', code], ...overrides });
}
