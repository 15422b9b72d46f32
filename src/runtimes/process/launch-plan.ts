// Pure-ish preparation of a launch: where the process runs, what environment it sees, where it is
// reached. Kept apart from spawning so each rule can be tested by itself.
import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { InstanceEndpoint } from '../runtime.js';
import type { DesiredServer } from '../../spec/desired.js';
import { RuntimeError } from '../errors.js';

/** Resolves spec.cwd inside the checkout; absolute paths and `..` escapes are errors. */
export function resolveCwd(workdir: string, cwd: string | undefined): string {
  const root = resolve(workdir);
  if (cwd === undefined || cwd === '' || cwd === '.') return root;
  if (isAbsolute(cwd)) {
    throw new RuntimeError('RUNTIME_CWD_ESCAPE', `cwd ${JSON.stringify(cwd)} must be relative to the checked-out path, not absolute`, { cwd });
  }
  const full = resolve(root, cwd);
  const rel = relative(root, full);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new RuntimeError('RUNTIME_CWD_ESCAPE', `cwd ${JSON.stringify(cwd)} leaves the checked-out path`, { cwd });
  }
  return full;
}

export async function assertDirectory(dir: string, cwd: string | undefined): Promise<void> {
  try {
    if ((await stat(dir)).isDirectory()) return;
  } catch {
    // reported below
  }
  throw new RuntimeError('RUNTIME_CWD_MISSING', `cwd ${JSON.stringify(cwd ?? '.')} is not a directory in the checkout`, { cwd });
}

/**
 * The child's whole environment: spec.env plus PATH and HOME from the daemon. Nothing else of the
 * daemon's environment is passed on: that is where its own secrets (API token, git token) live.
 */
export function childEnv(specEnv: Record<string, string>, daemonEnv: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ['PATH', 'HOME'] as const) {
    const value = daemonEnv[key];
    if (value !== undefined) env[key] = value;
  }
  return { ...env, ...specEnv };
}

export function endpointFor(spec: DesiredServer): InstanceEndpoint {
  if (spec.transport === 'stdio') return { kind: 'stdio' };
  const port = requirePort(spec);
  const path = spec.path ?? (spec.transport === 'sse' ? '/sse' : '/mcp');
  return { kind: 'http', transport: spec.transport, url: `http://127.0.0.1:${port}${path.startsWith('/') ? path : `/${path}`}` };
}

export function requireCommand(spec: DesiredServer): string {
  if (!spec.command) {
    throw new RuntimeError('RUNTIME_INVALID_SPEC', `server ${spec.name}: spec.command is required by the process runtime`);
  }
  return spec.command;
}

export function requirePort(spec: DesiredServer): number {
  const port = spec.port;
  if (port === undefined || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RuntimeError('RUNTIME_INVALID_SPEC', `server ${spec.name}: spec.port is required for transport ${spec.transport}`);
  }
  return port;
}
