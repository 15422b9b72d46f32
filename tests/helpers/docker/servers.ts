// RenderedServer values that run in the test image.
import type { DesiredServer, RenderedServer } from '../../../src/spec/desired.js';
import { asRendered, desired } from '../../runtimes/process/helpers/servers.js';
import { IN_IMAGE, TEST_IMAGE } from './images.js';

export function dockerServer(overrides: Partial<DesiredServer> & { name: string }, secretValues: string[] = []): RenderedServer {
  // no command: the image's own entrypoint runs unless a test says otherwise
  const { command: _entrypoint, ...base } = desired({ name: overrides.name });
  return asRendered({ ...base, image: TEST_IMAGE, ...overrides }, secretValues);
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
