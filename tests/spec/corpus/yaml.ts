// Tiny helpers for writing spec files inline in tests, with line numbers that read true.

/**
 * Tagged template that removes the first newline and the common indentation, so
 * ```
 * y`
 *   apiVersion: mcp-gitops/v1
 *   kind: MCPServer
 * `
 * ```
 * is a file whose line 1 is `apiVersion: mcp-gitops/v1`.
 */
export function y(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = String.raw({ raw: strings }, ...values).replace(/^\n/, '');
  const lines = raw.split('\n');
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length);
  const cut = indents.length > 0 ? Math.min(...indents) : 0;
  return lines
    .map((l) => l.slice(cut))
    .join('\n')
    .replace(/[ ]+$/, '');
}

/** A minimal valid MCPServer for the process runtime (7 lines, `spec:` on line 5). */
export function server(name: string, extra = ''): string {
  return `apiVersion: mcp-gitops/v1\nkind: MCPServer\nmetadata:\n  name: ${name}\nspec:\n  version: "1"\n  command: node\n${extra}`;
}
