// Every broken spec of the corpus yields exactly its expected `file:line:col: field: message` lines.
import { describe, expect, it } from 'vitest';
import { createCompiler } from '../../src/render/desired-state.js';
import { staticSecrets } from '../../src/render/secrets.js';
import { formatSpecError } from '../../src/spec/spec-error.js';
import type { SpecFile } from '../../src/spec/yaml-docs.js';
import { CASES, type CorpusCase } from './corpus/cases.js';

const compiler = createCompiler();

function compile(c: CorpusCase): string[] {
  const files: SpecFile[] = Object.entries(c.files).map(([path, content]) => ({
    path, content: typeof content === 'string' ? new TextEncoder().encode(content) : content,
  }));
  const out = compiler.compile(
    { files, ...(c.symlinks && { symlinks: c.symlinks }) },
    {
      secrets: staticSecrets(c.secrets ?? {}),
      ...(c.environment !== undefined && { environment: c.environment }),
      ...(c.runtime !== null && { runtime: c.runtime ?? 'process' }),
    },
  );
  // An invalid commit deploys nothing.
  if (out.errors.length > 0) expect(out.servers).toEqual([]);
  return out.errors.map(formatSpecError);
}

describe('broken-spec corpus', () => {
  it('has enough cases, each with a unique name', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(45);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(c.expected.length).toBeGreaterThan(0);
    expect(compile(c)).toEqual(c.expected);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('names file, position, field and reason: %s', (_name, c) => {
    for (const line of c.expected) {
      const m = /^(?<file>[^:]+):(?<line>\d+):(?<col>\d+): (?<field>\S+): (?<message>.+)$/.exec(line);
      expect(m, line).not.toBeNull();
      expect(Object.keys(c.files).concat(c.symlinks ?? []), line).toContain(m!.groups!.file);
      expect(Number(m!.groups!.line), line).toBeGreaterThan(0);
      expect(Number(m!.groups!.col), line).toBeGreaterThan(0);
      // A reason a user can act on: more than a bare "invalid".
      expect(m!.groups!.message.length, line).toBeGreaterThan(15);
    }
  });

  it('reports each case\'s errors the same way on a second compile (caches change nothing)', () => {
    for (const c of CASES) expect(compile(c), c.name).toEqual(c.expected);
  });
});
