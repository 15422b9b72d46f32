// What every command that talks to a running daemon shares: --server, -o and --help, and printing
// its answer as a table or as json / yaml.
import { SERVER_OPTION } from '../daemon-client.js';
import type { CliIO } from '../main.js';
import type { OptionTable, Values } from '../options.js';
import { OUTPUT_OPTION, outputFormat, serialize } from './shared.js';

export const DAEMON_OPTIONS = {
  ...SERVER_OPTION,
  ...OUTPUT_OPTION,
  help: { type: 'boolean', short: 'h', description: 'show help', env: false },
} satisfies OptionTable;

/** Checks -o before anything is asked of the daemon; the result prints an answer as text or as -o asks. */
export function printer(v: Values, io: CliIO): <T>(value: T, text: (x: T) => string) => void {
  const format = outputFormat(v, 'text');
  return (value, text) => io.stdout.write(format === 'text' ? text(value) : serialize(value, format));
}
