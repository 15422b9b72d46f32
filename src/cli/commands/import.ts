// `mcp-gitops import <file>`: an MCP client's config file (Claude Desktop, Cursor, VS Code, MCPHub)
// -> one MCPServer spec per server under --out; secret values to --secrets-dir (mode 0600), never
// into a spec. The conversion is src/import (pure); this writes files and says what it did.
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { IMPORTED_FROM, importConfig } from '../../import/import-config.js';
import { IMPORT_FORMATS, type ImportFormat, type ImportResult } from '../../import/model.js';
import { formatLabel } from '../../import/to-spec.js';
import type { CliIO } from '../main.js';
import { helpText, UsageError, type OptionTable } from '../options.js';

const OPTIONS = {
  out: { type: 'string', description: 'directory the spec files are written to (default: servers)', env: false },
  'secrets-dir': { type: 'string', description: 'directory secret values are written to, one file per secret, mode 0600 (default: none: listed)', env: false },
  format: { type: 'string', description: `the file's format: ${IMPORT_FORMATS.join(' | ')} (default: from its name and content)`, env: false },
  help: { type: 'boolean', short: 'h', description: 'show help', env: false },
} satisfies OptionTable;

const USAGE = 'mcp-gitops import <file> [--out <dir>] [--secrets-dir <dir>] [--format <format>]';
const SUMMARY =
  "Writes one MCPServer spec per server of an MCP client's config file (Claude Desktop claude_desktop_config.json, Cursor mcp.json, VS Code .vscode/mcp.json, MCPHub mcp_settings.json). Secret values never go into a spec. Exit 0 written, 2 usage or unreadable file.";

async function writeIfChanged(path: string, text: string, mode?: number): Promise<boolean> {
  const old = await readFile(path, 'utf8').catch(() => undefined);
  if (old !== text) await writeFile(path, text, mode === undefined ? {} : { mode });
  if (mode !== undefined) await chmod(path, mode);
  return old !== text;
}

/** The spec files already in `out`: name -> the entry they were imported from (null: not imported). */
async function existingSpecs(out: string): Promise<Map<string, string | null>> {
  const names = await readdir(out).catch(() => [] as string[]);
  const found = new Map<string, string | null>();
  for (const file of names.filter((n) => /\.ya?ml$/.test(n))) {
    const text = await readFile(join(out, file), 'utf8').catch(() => '');
    let origin: unknown;
    try {
      origin = (parse(text) as { metadata?: { annotations?: Record<string, unknown> } } | null)?.metadata?.annotations?.[IMPORTED_FROM];
    } catch {
      origin = undefined; // not ours to read: a name taken all the same
    }
    found.set(file.replace(/\.ya?ml$/, ''), typeof origin === 'string' ? origin : null);
  }
  return found;
}

async function write(r: ImportResult, out: string, secretsDir: string | undefined, io: CliIO): Promise<void> {
  await mkdir(out, { recursive: true });
  for (const s of r.specs) {
    const path = join(out, `${s.name}.yaml`);
    const changed = await writeIfChanged(path, s.text);
    io.stdout.write(`${changed ? 'wrote' : 'unchanged'} ${path}\n`);
  }
  const known = r.secrets.filter((s) => s.value !== undefined);
  if (secretsDir !== undefined && known.length > 0) {
    await mkdir(secretsDir, { recursive: true, mode: 0o700 });
    for (const s of known) await writeIfChanged(join(secretsDir, s.name), `${s.value}\n`, 0o600);
    io.stdout.write(`wrote ${known.length} secret${known.length === 1 ? '' : 's'} to ${secretsDir} (mode 0600): ${known.map((s) => s.name).join(', ')}\n`);
  }
  const toProvide = r.secrets.filter((s) => s.value === undefined || secretsDir === undefined);
  if (toProvide.length > 0) {
    io.stdout.write(`secrets to provide (a file <secrets-dir>/<name> or an environment variable <name> of the daemon):\n`);
    for (const s of toProvide) io.stdout.write(`  ${s.name}: ${s.value !== undefined ? 'its value is in the imported file at ' : ''}${s.from}\n`);
  }
  for (const n of r.notes) io.stderr.write(`note: ${n.at}: ${n.message}\n`);
}

export const importCommand = {
  name: 'import',
  usage: USAGE,
  summary: SUMMARY,
  options: OPTIONS,
  run(): Promise<number> {
    return Promise.reject(new UsageError('import takes a file: mcp-gitops import <file>'));
  },
  async main(argv: readonly string[], io: CliIO): Promise<number> {
    let parsed;
    try {
      parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e));
    }
    const v = parsed.values;
    if (v.help === true) {
      io.stdout.write(helpText(USAGE, SUMMARY, OPTIONS));
      return 0;
    }
    if (parsed.positionals.length !== 1) throw new UsageError('give exactly one file: mcp-gitops import <file>');
    const file = parsed.positionals[0];
    if (v.format !== undefined && !(IMPORT_FORMATS as readonly string[]).includes(v.format))
      throw new UsageError(`--format must be one of ${IMPORT_FORMATS.join(', ')}, got "${v.format}"`);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      io.stderr.write(`mcp-gitops import: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
      return 2;
    }
    const out = v.out ?? 'servers';
    const result = importConfig(text, {
      fileName: file,
      existing: await existingSpecs(out),
      ...(v.format !== undefined && { format: v.format as ImportFormat }),
    });
    io.stdout.write(`${basename(file)}: ${formatLabel(result.format)}, ${result.specs.length} server${result.specs.length === 1 ? '' : 's'}\n`);
    await write(result, out, v['secrets-dir'], io);
    return 0;
  },
};
