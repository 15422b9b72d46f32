// `mcp-gitops import`, the pure part: a client config file's text -> spec files, the secrets they
// read, and notes on everything not carried over. Writing files is the command's business.
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { readClaudeDesktop } from './claude-desktop.js';
import { readCursor } from './cursor.js';
import { isObject, type Json } from './entries.js';
import { readMcpHub } from './mcphub.js';
import type { ClientConfig, ImportedSecret, ImportFormat, ImportResult } from './model.js';
import { inputSecretName, serverName } from './names.js';
import { importedFrom, toSpec } from './to-spec.js';

export { IMPORTED_FROM } from './to-spec.js';
import { readVsCode } from './vscode.js';

export class ImportError extends Error {
  readonly code = 'IMPORT_INVALID';
}

const READERS: Record<ImportFormat, (doc: Record<string, Json>) => ClientConfig> = {
  'claude-desktop': readClaudeDesktop,
  cursor: readCursor,
  vscode: readVsCode,
  mcphub: readMcpHub,
};

/** Which client wrote the file: its name first, then its shape. */
export function detectFormat(fileName: string, doc: Record<string, Json>): ImportFormat {
  const base = fileName.replace(/\\/g, '/');
  if (/claude_desktop_config\.json$/.test(base)) return 'claude-desktop';
  if (/mcp_settings\.json$/.test(base)) return 'mcphub';
  if (/\.vscode\/mcp\.json$/.test(base) || (doc.servers !== undefined && doc.mcpServers === undefined)) return 'vscode';
  if (['users', 'groups', 'systemConfig'].some((k) => doc[k] !== undefined)) return 'mcphub';
  if (/\.cursor\/mcp\.json$/.test(base)) return 'cursor';
  const entries = isObject(doc.mcpServers) ? Object.values(doc.mcpServers) : [];
  return entries.some((e) => isObject(e) && (e.url !== undefined || e.headers !== undefined)) ? 'cursor' : 'claude-desktop';
}

export function parseClientFile(text: string): Record<string, Json> {
  const errors: ParseError[] = [];
  const doc = parse(text, errors, { allowTrailingComma: true, disallowComments: false }) as Json;
  if (errors.length > 0) {
    const first = errors[0];
    const line = text.slice(0, first.offset).split('\n').length;
    throw new ImportError(`not valid JSON (line ${line}: ${printParseErrorCode(first.error)})`);
  }
  if (!isObject(doc)) throw new ImportError('not a JSON object');
  return doc;
}

export interface ImportOptions {
  fileName: string;
  format?: ImportFormat;
  /**
   * Spec files already in the output directory: name -> the `mcp-gitops/imported-from` they carry
   * (null: not imported). A name is reused only by the server it was imported from, so a second
   * import of the same file rewrites its files and an import of another file never overwrites them.
   */
  existing?: ReadonlyMap<string, string | null>;
}

export function importConfig(text: string, o: ImportOptions): ImportResult {
  const doc = parseClientFile(text);
  const format = o.format ?? detectFormat(o.fileName, doc);
  const client = READERS[format](doc);
  const notes = [...client.notes];
  const taken = new Set<string>();
  const specs: ImportResult['specs'] = [];
  const secrets = new Map<string, ImportedSecret>();
  const where = format === 'vscode' ? 'servers' : 'mcpServers';
  for (const s of client.servers) {
    const origin = importedFrom(format, s.key);
    const name = serverName(s.key, (n) => taken.has(n) || (o.existing?.has(n) === true && o.existing.get(n) !== origin));
    const at = `${where}.${s.key}`;
    if (name !== s.key) notes.push({ at, message: `written as server "${name}" (a spec name is a DNS label)` });
    const spec = toSpec(s, name, format, at, notes);
    if (!spec) continue;
    taken.add(name);
    specs.push({ name, text: spec.text });
    for (const x of spec.secrets) if (!secrets.has(x.name)) secrets.set(x.name, x);
  }
  // a VS Code password input is secret whatever its name; others are read from secrets too: say so
  for (const input of client.inputs) {
    if (!input.password)
      notes.push({ at: `inputs.${input.id}`, message: `an input VS Code asks for at start: here it is read from the secret "${inputSecretName(input.id)}"` });
  }
  return { format, specs, secrets: [...secrets.values()].sort((a, b) => (a.name < b.name ? -1 : 1)), notes };
}
