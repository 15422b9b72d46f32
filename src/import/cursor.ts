// Cursor's mcp.json (~/.cursor/mcp.json, .cursor/mcp.json): `mcpServers`, each a stdio server
// (command, args, env, envFile) or a remote one (url, headers); `${env:NAME}` reads the environment.
import { otherTopLevel, readEntries, type Json } from './entries.js';
import type { ClientConfig } from './model.js';

export function readCursor(doc: Record<string, Json>): ClientConfig {
  const notes: ClientConfig['notes'] = [];
  const servers = readEntries(
    doc.mcpServers,
    'mcpServers',
    {
      ignored: {
        envFile: 'a file on the client machine; put its values into secrets (--secrets-dir) and reference them from env',
        auth: 'OAuth sign-in of the client; give the remote a token in headers instead',
      },
    },
    notes,
  );
  otherTopLevel(doc, ['mcpServers'], {}, notes);
  return { format: 'cursor', servers, inputs: [], notes };
}
