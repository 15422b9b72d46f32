// `mcp-gitops sync`: POST /sync to a running daemon with MCP_GITOPS_API_TOKEN; prints the queued id.
import { DaemonClient } from '../daemon-client.js';
import type { CliIO } from '../main.js';
import type { OptionTable, Values } from '../options.js';
import { DAEMON_OPTIONS, printer } from './daemon-options.js';

export const syncCommand = {
  name: 'sync',
  usage: 'mcp-gitops sync [--server <url>] [--force] [-o text|json|yaml]',
  summary:
    'Asks a running daemon to sync the branch head now (--force: retry a commit that failed). Needs MCP_GITOPS_API_TOKEN. Exit 0 queued, 2 usage error, daemon unreachable or token refused.',
  options: {
    ...DAEMON_OPTIONS,
    force: { type: 'boolean', description: 'sync the head even if it is the failed revision', env: false },
  } satisfies OptionTable,
  async run(v: Values, io: CliIO): Promise<number> {
    const print = printer(v, io);
    print(await DaemonClient.from(v, io.env).sync(v.force === true), (q) => `sync ${q.syncId} queued${q.force ? ' (force)' : ''}\n`);
    return 0;
  },
};
