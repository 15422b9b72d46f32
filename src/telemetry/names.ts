// Names shared by the spans: the tracer's, and mcp-gitops' own attributes (semantic conventions cover the rest).
export const TRACER_NAME = 'mcp-gitops';

export const ATTR = {
  syncId: 'mcp_gitops.sync.id',
  commit: 'mcp_gitops.commit',
  reason: 'mcp_gitops.sync.reason',
  result: 'mcp_gitops.sync.result',
  code: 'mcp_gitops.reason',
  server: 'mcp_gitops.server',
  instance: 'mcp_gitops.instance.id',
  version: 'mcp_gitops.server.version',
  wave: 'mcp_gitops.wave',
} as const;
