// tools/list, following pagination cursors.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { GateTool } from './gate-types.js';

const MAX_PAGES = 100;

export async function listAllTools(client: Client, signal: AbortSignal, timeoutMs: number): Promise<GateTool[]> {
  const tools: GateTool[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await client.listTools(cursor ? { cursor } : undefined, { signal, timeout: timeoutMs });
    for (const t of result.tools) tools.push(listed(t));
    cursor = result.nextCursor;
    if (!cursor) break;
  }
  return tools;
}

export function missingTools(expected: readonly string[], tools: readonly GateTool[]): string[] {
  const have = new Set(tools.map((t) => t.name));
  return expected.filter((name) => !have.has(name));
}

/** The parts of a listed tool that make its surface (src/tools/surface.ts); anything else is dropped. */
function listed(t: GateTool): GateTool {
  return {
    name: t.name,
    ...(t.title !== undefined && { title: t.title }),
    ...(t.description !== undefined && { description: t.description }),
    ...(t.inputSchema !== undefined && { inputSchema: t.inputSchema }),
    ...(t.outputSchema !== undefined && { outputSchema: t.outputSchema }),
    ...(t.annotations !== undefined && { annotations: t.annotations }),
  };
}
