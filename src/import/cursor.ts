// Cursor's mcp.json (~/.cursor/mcp.json, .cursor/mcp.json): `mcpServers`, each a stdio server
// (command, args, env, envFile) or a remote one (url, headers); `${env:NAME}` reads the environment.
import { ENV_FILE, otherTopLevel, readEntries, type Json } from './entries.js';
import type { ClientConfig } from './model.js';

export function readCursor(doc: Record<string, Json>): ClientConfig {
  const notes: ClientConfig['notes'] = [];
  const servers = readEntries(
    doc.mcpServers,
    'mcpServers',
    {
      ignored: {
        envFile: ENV_FILE,
        auth: 'OAuth sign-in of the client; give the remote a token in headers instead',
      },
    },
    notes,
  );
  otherTopLevel(doc, ['mcpServers'], {}, notes);
  return { format: 'cursor', servers, inputs: [], notes };
}
