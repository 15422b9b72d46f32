// Runs the CLI in-process and collects what it printed.
import { Writable } from 'node:stream';
import { main } from '../../../src/cli/main.js';

export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  const chunks = { out: [] as string[], err: [] as string[] };
  const to = (into: string[]): Writable =>
    new Writable({
      write(c: Buffer, _e, cb) {
        into.push(c.toString());
        cb();
      },
    });
  const code = await main(args, { stdout: to(chunks.out), stderr: to(chunks.err), env });
  return { code, out: chunks.out.join(''), err: chunks.err.join('') };
}
