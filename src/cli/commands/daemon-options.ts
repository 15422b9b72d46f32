// The flags every command that talks to a running daemon takes: --server, -o and --help.
import { SERVER_OPTION } from '../daemon-client.js';
import type { OptionTable } from '../options.js';
import { OUTPUT_OPTION } from './shared.js';

export const DAEMON_OPTIONS = {
  ...SERVER_OPTION,
  ...OUTPUT_OPTION,
  help: { type: 'boolean', short: 'h', description: 'show help', env: false },
} satisfies OptionTable;
