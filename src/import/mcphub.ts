// MCPHub's mcp_settings.json: `mcpServers` (command/args/env, or type sse | streamable-http with
// url/headers, `enabled`, `${NAME}` reads the environment) beside the hub's own users, groups and
// system settings, which have no place in a server spec.
import { otherTopLevel, readEntries, type Json } from './entries.js';
import type { ClientConfig } from './model.js';

const HUB_SETTING = "an MCPHub setting (its own users, groups and routing), not part of a server's spec";

export function readMcpHub(doc: Record<string, Json>): ClientConfig {
  const notes: ClientConfig['notes'] = [];
  const servers = readEntries(
    doc.mcpServers,
    'mcpServers',
    {
      onOff: 'enabled',
      ignored: {
        owner: 'the MCPHub user that owns the server',
        tools: "MCPHub's per-tool switches and descriptions",
        prompts: "MCPHub's per-prompt switches",
        keepAliveInterval: "MCPHub's keep-alive ping interval",
        options: "MCPHub's request options (timeouts)",
        openapi: 'an OpenAPI-backed server of MCPHub',
        oauth: "MCPHub's OAuth client settings; give the remote a token in headers instead",
        description: 'MCPHub display text',
      },
    },
    notes,
  );
  otherTopLevel(doc, ['mcpServers'], { users: HUB_SETTING, groups: HUB_SETTING, systemConfig: HUB_SETTING, providers: HUB_SETTING }, notes);
  return { format: 'mcphub', servers, inputs: [], notes };
}
