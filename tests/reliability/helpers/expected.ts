// What a commit should run, computed the way the daemon computes it: the real git source and the
// real compiler on the committed tree. Lets a test check instance labels against the spec, not
// against what the daemon says about itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCompiler } from '../../../src/render/desired-state.js';
import { staticSecrets } from '../../../src/render/secrets.js';
import { GitSource } from '../../../src/source/index.js';

export interface ExpectedServer {
  version: string;
  specHash: string;
}

const compiler = createCompiler();

/** name -> version and spec hash of every enabled server of `commit` (throws if it is invalid). */
export async function expectedServers(repoDir: string, commit: string): Promise<Map<string, ExpectedServer>> {
  const stateDir = mkdtempSync(join(tmpdir(), 'mcp-gitops-expected-'));
  try {
    const source = new GitSource({ repo: repoDir, stateDir });
    const snap = await source.snapshot(commit);
    const out = compiler.compile({ files: snap.files, symlinks: snap.symlinks, basePath: source.path }, { secrets: staticSecrets({}), runtime: 'process' });
    if (out.errors.length > 0) throw new Error(`commit ${commit} is invalid: ${JSON.stringify(out.errors)}`);
    return new Map(out.servers.map((s) => [s.spec.name, { version: s.masked.version, specHash: s.specHash }]));
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}
