// Processes for the packaging and pod tests: free ports, and the built bridge as its own process.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { paths } from '../../process/helpers/servers.js';

export const BUILT_BRIDGE = join(paths.root, 'dist/src/cli/commands/bridge.js');
export const bridgeBuilt = (): boolean => existsSync(BUILT_BRIDGE);

export { freePort } from '../../process/helpers/system.js';

/**
 * `mcp-gitops bridge <argv>` from dist/, as its own process. It runs the command module directly
 * (its `main`), so it does not depend on how the CLI dispatcher hands over the argv after `--`.
 */
export function spawnBridge(argv: readonly string[], env: NodeJS.ProcessEnv): ChildProcess {
  const script = `const { bridgeCommand } = await import(${JSON.stringify(BUILT_BRIDGE)});
process.exitCode = await bridgeCommand.main(process.argv.slice(1), { stdout: process.stdout, stderr: process.stderr, env: process.env });`;
  return spawn(process.execPath, ['--input-type=module', '-e', script, '--', ...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] });
}
