// What a check of one server runs with: the command check's environment and working directory are
// the server's own (spec.env over the daemon's PATH and HOME; spec.cwd inside the commit's checkout).
import { childEnv, resolveCwd } from '../../runtimes/process/launch-plan.js';
import type { DesiredServer } from '../../spec/desired.js';

export interface CheckContext {
  env: Record<string, string>;
  cwd: string;
}

/** `workdir`: the commit's --path tree on disk; `daemonEnv`: where PATH and HOME come from. */
export function checkContext(server: DesiredServer, workdir: string, daemonEnv: NodeJS.ProcessEnv): CheckContext {
  return { env: childEnv(server.env, daemonEnv), cwd: resolveCwd(workdir, server.cwd) };
}
