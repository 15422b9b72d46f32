export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

export function main(_argv: string[], io: CliIO): Promise<number> {
  io.stderr.write('mcp-gitops: not implemented yet\n');
  return Promise.resolve(2);
}
