// `mcp-gitops suspend [--reason]` and `mcp-gitops resume`: POST /suspend and /resume to a running
// daemon with MCP_GITOPS_API_TOKEN, like `flux suspend` / `flux resume`.
import { DaemonClient } from '../daemon-client.js';
import { suspendedText } from '../daemon-format.js';
import type { CliIO } from '../main.js';
import { str, type OptionTable, type Values } from '../options.js';
import { DAEMON_OPTIONS, printer } from './daemon-options.js';

const EXITS = 'Needs MCP_GITOPS_API_TOKEN. Exit 0 done, 2 usage error, daemon unreachable or token refused.';

export const suspendCommand = {
  name: 'suspend',
  usage: 'mcp-gitops suspend [--server <url>] [--reason <text>] [-o text|json|yaml]',
  summary: `Suspends a running daemon: it keeps reading the branch head and serving, but applies no new commit until \`mcp-gitops resume\`. ${EXITS}`,
  options: {
    ...DAEMON_OPTIONS,
    reason: { type: 'string', description: 'why, shown in /status and the suspended event (one line, at most 500 characters)', env: false },
  } satisfies OptionTable,
  async run(v: Values, io: CliIO): Promise<number> {
    const print = printer(v, io);
    print(await DaemonClient.from(v, io.env).suspend(str(v, 'reason')), (a) =>
      a.changed ? `suspended ${suspendedText(a.suspended)}\n` : `already suspended ${suspendedText(a.suspended)}\n`,
    );
    return 0;
  },
};

export const resumeCommand = {
  name: 'resume',
  usage: 'mcp-gitops resume [--server <url>] [-o text|json|yaml]',
  summary: `Resumes a suspended daemon and syncs the branch head at once. ${EXITS}`,
  options: DAEMON_OPTIONS satisfies OptionTable,
  async run(v: Values, io: CliIO): Promise<number> {
    const print = printer(v, io);
    print(await DaemonClient.from(v, io.env).resume(), (a) => `${a.resumed ? 'resumed' : 'not suspended'}: sync ${a.syncId} queued\n`);
    return 0;
  },
};
