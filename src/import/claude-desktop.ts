// Claude Desktop's claude_desktop_config.json: `mcpServers` of stdio servers (command, args, env);
// the rest of the file holds settings of the app itself.
import { otherTopLevel, readEntries, type Json } from './entries.js';
import type { ClientConfig } from './model.js';

export function readClaudeDesktop(doc: Record<string, Json>): ClientConfig {
  const notes: ClientConfig['notes'] = [];
  const servers = readEntries(doc.mcpServers, 'mcpServers', { ignored: {} }, notes);
  otherTopLevel(doc, ['mcpServers'], { globalShortcut: 'a Claude Desktop setting', preferences: 'a Claude Desktop setting' }, notes);
  return { format: 'claude-desktop', servers, inputs: [], notes };
}
