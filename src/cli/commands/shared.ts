// Output helpers shared by validate / render / plan.
import { stringify } from 'yaml';
import { formatSpecError, type SpecError } from '../../spec/spec-error.js';
import type { LoadedDesired } from '../load-desired.js';
import { UsageError, str, type OptionTable, type Values } from '../options.js';
import type { CliIO } from '../main.js';

export const OUTPUT_OPTION = {
  output: { type: 'string', short: 'o', description: 'output format: text | yaml | json', env: false },
} satisfies OptionTable;

export const REV_OPTION = {
  rev: { type: 'string', description: 'commit, tag or branch to read instead of the branch head', env: false },
  'strict-secrets': { type: 'boolean', description: 'fail on secrets that are not found (default when --secrets-dir is given)', env: false },
} satisfies OptionTable;

export type Format = 'text' | 'yaml' | 'json';

export function outputFormat(v: Values, fallback: Format): Format {
  const f = str(v, 'output') ?? fallback;
  if (f !== 'text' && f !== 'yaml' && f !== 'json') throw new UsageError(`--output must be text, yaml or json, got "${f}"`);
  return f;
}

export function serialize(value: unknown, format: Exclude<Format, 'text'>): string {
  return format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : stringify(value);
}

/** One note per file of other tools' YAML that was skipped, with the first document's reason. */
function reportSkipped(skipped: readonly SpecError[], io: CliIO): void {
  const byFile = new Map<string, SpecError[]>();
  for (const n of skipped) byFile.set(n.file, [...(byFile.get(n.file) ?? []), n]);
  for (const notes of byFile.values()) {
    const more = notes.length > 1 ? ` (and ${notes.length - 1} more document${notes.length === 2 ? '' : 's'})` : '';
    io.stderr.write(`note: ${formatSpecError(notes[0])}${more}\n`);
  }
}

/** Prints validation errors; returns the exit code for them (1) or undefined when valid. */
export function reportInvalid(d: LoadedDesired, io: CliIO): number | undefined {
  if (d.unresolvedSecrets.length > 0) {
    io.stderr.write(`note: secrets not checked (not found; no --secrets-dir): ${d.unresolvedSecrets.join(', ')}\n`);
  }
  reportSkipped(d.state.skipped ?? [], io);
  if (d.state.errors.length === 0) return undefined;
  for (const e of d.state.errors) io.stderr.write(`${formatSpecError(e)}\n`);
  io.stderr.write(`${d.state.errors.length} error${d.state.errors.length === 1 ? '' : 's'} in ${d.commit.slice(0, 12)}\n`);
  return 1;
}
