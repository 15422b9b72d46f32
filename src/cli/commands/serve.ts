import { startDaemon } from '../../daemon/daemon.js';
import type { DaemonConfig } from '../../daemon/config.js';
import { checkLocalRepository } from '../../source/index.js';
import type { CliIO } from '../main.js';
import { OPS_OPTIONS, opsConfig } from './serve-ops.js';
import { COMMON_OPTIONS, listOption, runtimeOption, str, UsageError, type OptionTable, type Values } from '../options.js';

const SERVE_OPTIONS = {
  ...COMMON_OPTIONS,
  interval: { type: 'string', description: 'seconds between polls of the repository (default 30)' },
  host: { type: 'string', description: 'HTTP listen address (default 127.0.0.1)' },
  port: { type: 'string', description: 'HTTP listen port (default 8080; 0 = any free port)' },
  'log-level': { type: 'string', description: 'trace | debug | info | warn | error (default info)' },
  namespace: { type: 'string', description: "kubernetes: namespace of the servers (default: the daemon's own, else mcp-gitops)" },
  scope: { type: 'string', description: 'docker: see and touch only containers labelled mcp-gitops/scope=<scope> (several daemons on one engine)' },
  'drain-timeout': { type: 'string', description: 'seconds a gateway session on a replaced instance may go on before it is ended (default 30)' },
  'allowed-hosts': {
    type: 'string',
    description: 'comma list of more Host names /mcp, /sync and /webhook accept (default: localhost, 127.0.0.1, [::1], --host; * = any)',
  },
  'allowed-origins': { type: 'string', description: 'comma list of more browser Origins (scheme://host[:port]) accepted beside those hosts (* = any)' },
  'git-timeout': { type: 'string', description: 'seconds a remote git server may send nothing before the fetch fails and is retried (default 60)' },
  ...OPS_OPTIONS,
} satisfies OptionTable;

function intOption(v: Values, flag: string, fallback: number, min: number, max: number): number {
  const raw = str(v, flag);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${flag} must be a number from ${min} to ${max}, got "${raw}"`);
  return n;
}

export function serveConfig(v: Values, env: NodeJS.ProcessEnv): DaemonConfig {
  const repo = str(v, 'repo');
  if (repo === undefined) throw new UsageError('--repo is required (a local path or an https URL)');
  return {
    repo,
    ...(str(v, 'branch') !== undefined && { branch: str(v, 'branch') }),
    path: str(v, 'path') ?? '.',
    ...(str(v, 'env') !== undefined && { env: str(v, 'env') }),
    runtime: runtimeOption(v) ?? 'process',
    intervalSeconds: intOption(v, 'interval', 30, 0.1, 86_400),
    host: str(v, 'host') ?? '127.0.0.1',
    port: Math.trunc(intOption(v, 'port', 8080, 0, 65_535)),
    stateDir: str(v, 'state-dir') ?? '.mcp-gitops',
    ...(str(v, 'secrets-dir') !== undefined && { secretsDir: str(v, 'secrets-dir') }),
    logLevel: str(v, 'log-level') ?? 'info',
    drainTimeoutSeconds: intOption(v, 'drain-timeout', 30, 0, 3600),
    ...(listOption(v, 'allowed-hosts') && { allowedHosts: listOption(v, 'allowed-hosts') }),
    ...(listOption(v, 'allowed-origins') && { allowedOrigins: listOption(v, 'allowed-origins') }),
    ...(listOption(v, 'allow-check-hosts') && { allowCheckHosts: listOption(v, 'allow-check-hosts') }),
    gitTimeoutSeconds: intOption(v, 'git-timeout', 60, 0.1, 3600),
    ...(str(v, 'scope') !== undefined && { scope: str(v, 'scope') }),
    ...(str(v, 'namespace') !== undefined && { namespace: str(v, 'namespace') }),
    ...(env.MCP_GITOPS_WEBHOOK_SECRET && { webhookSecret: env.MCP_GITOPS_WEBHOOK_SECRET }),
    ...(env.MCP_GITOPS_API_TOKEN && { apiToken: env.MCP_GITOPS_API_TOKEN }),
    ...(env.MCP_GITOPS_GIT_TOKEN && { gitToken: env.MCP_GITOPS_GIT_TOKEN }),
    ...(env.MCP_GITOPS_GATEWAY_TOKEN && { gatewayToken: env.MCP_GITOPS_GATEWAY_TOKEN }),
    ...(env.DOCKER_HOST && { dockerHost: env.DOCKER_HOST }),
    ...opsConfig(v),
  };
}

export const serveCommand = {
  name: 'serve',
  usage: 'mcp-gitops serve --repo <path|url> [--path <dir>] [--env <name>] [--runtime process|docker|kubernetes] [--port 8080]',
  summary: 'Runs the reconciler: polls (or watches) the repository, rolls out changes behind MCP health gates, reverts failures, and serves /status.',
  options: SERVE_OPTIONS satisfies OptionTable,
  async run(v: Values, io: CliIO): Promise<number> {
    const cfg = serveConfig(v, io.env);
    await checkLocalRepository(cfg.repo, cfg.stateDir);
    const daemon = await startDaemon(cfg, io.env);
    return new Promise<number>((resolve) => {
      const shutdown = (signal: string): void => {
        daemon.logger.info({ signal }, 'shutting down');
        daemon.stop().then(
          () => resolve(0),
          (e: unknown) => {
            daemon.logger.error({ err: e instanceof Error ? e.message : String(e) }, 'shutdown failed');
            resolve(1);
          },
        );
      };
      void daemon.exited.then(resolve);
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGINT', () => shutdown('SIGINT'));
    });
  },
};
