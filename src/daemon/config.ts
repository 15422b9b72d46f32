// The daemon's configuration, parsed once in the composition root (docs/reference/cli.md).
export interface DaemonConfig {
  repo: string;
  branch?: string;
  path: string;
  env?: string;
  runtime: 'process' | 'docker' | 'kubernetes';
  intervalSeconds: number;
  host: string;
  port: number;
  stateDir: string;
  secretsDir?: string;
  logLevel: string;
  /** How long gateway sessions pinned to a replaced instance may go on. */
  drainTimeoutSeconds: number;
  /** --allowed-hosts / --allowed-origins: Host names and Origins accepted beside the loopback names and --host. */
  allowedHosts?: string[];
  allowedOrigins?: string[];
  /** --allow-check-hosts: hosts beside loopback that health checks may reach. */
  allowCheckHosts?: string[];
  /** A remote git server silent this long fails the fetch (SourceUnavailable, retried). */
  gitTimeoutSeconds?: number;
  /** Daemon secrets from the environment (never logged). */
  webhookSecret?: string;
  apiToken?: string;
  gitToken?: string;
  /** MCP_GITOPS_GATEWAY_TOKEN: bearer token every /mcp/<name> request must carry. */
  gatewayToken?: string;
  /** Only runtime objects labelled mcp-gitops/scope=<scope> are this daemon's (docker). */
  scope?: string;
  /** kubernetes: the namespace (default: the daemon's own, else mcp-gitops). */
  namespace?: string;
  /** DOCKER_HOST for --runtime docker (default unix:///var/run/docker.sock). */
  dockerHost?: string;
  /** --suspended: start suspended (no new commit applied until POST /resume). */
  suspended?: boolean;
  /** --suspend-repair: while suspended, still repair drift of what runs (default true). */
  suspendRepair?: boolean;
  /** --write-back revert: an automatic revert also pushes a revert commit to the followed branch. */
  writeBack?: 'revert';
  /** --write-back-author "Name <email>" of those commits (default mcp-gitops <mcp-gitops@localhost>). */
  writeBackAuthor?: { name: string; email: string };
  /** --otel-endpoint: OTLP/HTTP collector base URL for traces (OTEL_EXPORTER_OTLP_ENDPOINT also turns them on). */
  otelEndpoint?: string;
}
