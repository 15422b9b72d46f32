// One client server -> one MCPServer document (as data, then YAML). Deterministic: the same entry
// gives the same text, so importing twice writes the same files.
import { stringify } from 'yaml';
import type { ClientServer, ImportedSecret, ImportFormat, ImportNote } from './model.js';
import { convertValue, type ValueContext } from './values.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
/** Commands that fetch the server on first run: a first start takes longer than the default gate. */
const FETCHING = /^(npx|uvx|bunx|pnpx|pipx|docker|podman)$/;

const LABELS: Record<ImportFormat, string> = {
  'claude-desktop': 'Claude Desktop',
  cursor: 'Cursor',
  vscode: 'VS Code',
  mcphub: 'MCPHub',
};

export function formatLabel(f: ImportFormat): string {
  return LABELS[f];
}

/** The annotation that says which client entry a spec was imported from. */
export const IMPORTED_FROM = 'mcp-gitops/imported-from';

export function importedFrom(format: ImportFormat, key: string): string {
  return `${formatLabel(format)}: ${key}`;
}

function transportOf(s: ClientServer, at: string, notes: ImportNote[]): 'stdio' | 'streamable-http' | 'sse' | null {
  const t = s.type?.toLowerCase().replace(/[_\s]/g, '-');
  if (t === undefined) return s.command !== undefined ? 'stdio' : /\/sse\/?$/.test(s.url ?? '') ? 'sse' : 'streamable-http';
  if (t === 'stdio') return 'stdio';
  if (t === 'sse') return 'sse';
  if (t === 'http' || t === 'streamable-http' || t === 'streamablehttp') return 'streamable-http';
  notes.push({ at: `${at}.type`, message: `type "${s.type}" is not an MCP transport mcp-gitops serves: server not imported` });
  return null;
}

function map(values: Record<string, string> | undefined, what: 'env' | 'headers', ctx: ValueContext): Record<string, string> | undefined {
  if (values === undefined) return undefined;
  const valid = what === 'env' ? ENV_NAME : HEADER_NAME;
  const out: Record<string, string> = {};
  for (const k of Object.keys(values).sort()) {
    const at = `${ctx.at}.${what}.${k}`;
    if (!valid.test(k)) {
      ctx.notes.push({ at, message: `"${k}" is not a valid ${what === 'env' ? 'environment variable' : 'header'} name: not imported` });
      continue;
    }
    out[k] = convertValue(values[k], { ...ctx, at }, k);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The spec document of one server, or null (with a note) when it cannot be one. */
export function toSpec(
  s: ClientServer,
  name: string,
  format: ImportFormat,
  at: string,
  notes: ImportNote[],
): { text: string; secrets: ImportedSecret[] } | null {
  const secrets = new Map<string, ImportedSecret>();
  const ctx: ValueContext = { format, server: name, at, secrets, notes };
  if (s.command === undefined && s.url === undefined) {
    notes.push({ at, message: 'neither command nor url: server not imported' });
    return null;
  }
  const transport = transportOf(s, at, notes);
  if (transport === null) return null;
  if (s.cwd !== undefined)
    notes.push({ at: `${at}.cwd`, message: "not imported: spec.cwd is a directory of the spec repository's checkout, not of this machine" });
  const spec: Record<string, unknown> = { version: 'imported' };
  if (s.enabled === false) spec.enabled = false;
  if (s.command !== undefined) {
    if (s.url !== undefined) notes.push({ at: `${at}.url`, message: 'both command and url: imported as the command it starts; url not imported' });
    spec.command = convertValue(s.command, { ...ctx, at: `${at}.command` });
    if (transport !== 'stdio') {
      notes.push({ at: `${at}.type`, message: `a started server speaking ${transport} needs spec.port: imported as stdio; set transport and port by hand` });
    }
    if (s.args && s.args.length > 0) spec.args = s.args.map((a, i) => convertValue(a, { ...ctx, at: `${at}.args[${i}]` }));
    const env = map(s.env, 'env', ctx);
    if (env) spec.env = env;
    if (s.headers !== undefined) notes.push({ at: `${at}.headers`, message: 'headers of a started (stdio) server: not imported' });
    if (FETCHING.test(s.command)) spec.health = { timeoutSeconds: 60 };
  } else {
    spec.url = convertValue(s.url!, { ...ctx, at: `${at}.url` });
    spec.transport = transport === 'stdio' ? 'streamable-http' : transport;
    const headers = map(s.headers, 'headers', ctx);
    if (headers) spec.headers = headers;
    if (s.env !== undefined) notes.push({ at: `${at}.env`, message: 'env of a remote server (it runs elsewhere): not imported' });
    if (s.args !== undefined) notes.push({ at: `${at}.args`, message: 'args of a remote server (it runs elsewhere): not imported' });
  }
  const used = [...secrets.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (used.length > 0) spec.variables = used.map((x) => ({ name: x.name, type: 'token', required: true, description: `secret "${x.name}", from ${x.from}` }));
  const doc = {
    apiVersion: 'mcp-gitops/v1',
    kind: 'MCPServer',
    metadata: { name, annotations: { [IMPORTED_FROM]: importedFrom(format, s.key) } },
    spec,
  };
  const header = `# Imported from ${formatLabel(format)} ("${s.key}") by mcp-gitops import.\n`;
  return { text: header + stringify(doc, { lineWidth: 0 }), secrets: used };
}
