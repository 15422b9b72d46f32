// The CLI's path from flags to a desired state: git source -> snapshot at a commit -> compile.
import { GitSource } from '../source/index.js';
import { createCompiler, type DesiredState } from '../render/desired-state.js';
import { createSecretReader, lenientSecrets } from '../secrets/secret-reader.js';
import { listOption, runtimeOption, str, type Values } from './options.js';

export interface LoadedDesired {
  source: GitSource;
  commit: string;
  state: DesiredState;
  /** Secrets not found, rendered as placeholders (only without --secrets-dir and --strict-secrets). */
  unresolvedSecrets: string[];
}

export async function loadDesired(v: Values, env: NodeJS.ProcessEnv): Promise<LoadedDesired> {
  const stateDir = str(v, 'state-dir') ?? '.mcp-gitops';
  const source = new GitSource({
    repo: str(v, 'repo') ?? '.',
    ...(str(v, 'branch') !== undefined && { branch: str(v, 'branch') }),
    path: str(v, 'path') ?? '.',
    stateDir,
    ...(env.MCP_GITOPS_GIT_TOKEN && { token: env.MCP_GITOPS_GIT_TOKEN }),
  });
  const rev = str(v, 'rev');
  const commit = rev === undefined ? await source.head() : await source.resolve(rev);
  const snapshot = await source.snapshot(commit);
  const secretsDir = str(v, 'secrets-dir');
  const missing = new Set<string>();
  const reader = createSecretReader({ ...(secretsDir !== undefined && { dir: secretsDir }), env });
  const strict = secretsDir !== undefined || v['strict-secrets'] === true;
  const state = createCompiler().compile(
    { files: snapshot.files, symlinks: snapshot.symlinks, basePath: source.path },
    {
      ...(str(v, 'env') !== undefined && { environment: str(v, 'env') }),
      secrets: strict ? reader : lenientSecrets(reader, missing),
      ...(runtimeOption(v) && { runtime: runtimeOption(v) }),
      ...(listOption(v, 'allow-check-hosts') && { allowCheckHosts: listOption(v, 'allow-check-hosts') }),
    },
  );
  return { source, commit, state, unresolvedSecrets: [...missing].sort() };
}
