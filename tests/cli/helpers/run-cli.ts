// Runs the CLI against a running daemon: in this process through main() (its output captured), or as
// the built bin in a child process (the exit code a shell script sees).
import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../../src/cli/main.js';

const BIN = fileURLToPath(new URL('../../../dist/src/cli.js', import.meta.url));

export interface Ran {
  code: number;
  out: string;
  err: string;
}

export function sink(): Writable & { text: () => string } {
  const chunks: string[] = [];
  const w = new Writable({
    write(c: Buffer, _e, cb) {
      chunks.push(c.toString());
      cb();
    },
  }) as Writable & { text: () => string };
  w.text = () => chunks.join('');
  return w;
}

/** main(args) with only `env` as its environment; `stderr` to watch what it says while it runs. */
export async function cli(args: string[], env: NodeJS.ProcessEnv = {}, stderr = sink()): Promise<Ran> {
  const stdout = sink();
  const code = await main(args, { stdout, stderr, env });
  return { code, out: stdout.text(), err: stderr.text() };
}

/** `node dist/src/cli.js args` (run `npm run build` first) with only `env` besides PATH. */
export function bin(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, ...env }, timeout: 150_000 }, (err, out, errOut) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, out, err: errOut });
    });
  });
}
