// Every broken spec of the corpus yields exactly its expected `file:line:col: field: message` lines.
import { describe, expect, it } from 'vitest';
import { createCompiler } from '../../src/render/desired-state.js';
import { staticSecrets } from '../../src/render/secrets.js';
import { formatSpecError } from '../../src/spec/spec-error.js';
import type { SpecFile } from '../../src/spec/yaml-docs.js';
import { CASES, type CorpusCase } from './corpus/cases.js';

const compiler = createCompiler();

function compileCase(c: CorpusCase) {
  const files: SpecFile[] = Object.entries(c.files).map(([path, content]) => ({
    path,
    content: typeof content === 'string' ? new TextEncoder().encode(content) : content,
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
  return out;
}

const compile = (c: CorpusCase): string[] => compileCase(c).errors.map(formatSpecError);

function text(content: string | Uint8Array): string {
  return typeof content === 'string' ? content : new TextDecoder().decode(content);
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

  it.each(CASES.map((c) => [c.name, c] as const))("%s: skips exactly the other tools' documents", (_name, c) => {
    expect((compileCase(c).skipped ?? []).map(formatSpecError)).toEqual(c.skipped ?? []);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('names a real file, a position inside it, a field and a reason: %s', (_name, c) => {
    for (const e of compileCase(c).errors) {
      const where = formatSpecError(e);
      const content = c.files[e.file];
      if (content === undefined) {
        expect(c.symlinks ?? [], where).toContain(e.file);
        continue;
      }
      const lines = text(content).split('\n');
      expect(e.line, where).toBeGreaterThanOrEqual(1);
      expect(e.line, where).toBeLessThanOrEqual(lines.length);
      expect(e.col, where).toBeGreaterThanOrEqual(1);
      expect(e.col, where).toBeLessThanOrEqual(lines[e.line - 1].length + 1);
      expect(e.field, where).toMatch(/^(-|[A-Za-z_"[][^\s]*)$/);
      // A reason a user can act on: more than a bare "invalid".
      expect(e.message.length, where).toBeGreaterThan(15);
    }
  });

  it("reports each case's errors the same way on a second compile (caches change nothing)", () => {
    for (const c of CASES) expect(compile(c), c.name).toEqual(c.expected);
  });
});
