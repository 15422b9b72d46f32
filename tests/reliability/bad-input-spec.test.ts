// The hostile-spec corpus through the pure core: every case refused whole with exactly its
// located errors, nothing deployed, no exception, no prototype touched.
import { describe, expect, it } from 'vitest';
import { createCompiler } from '../../src/render/desired-state.js';
import { staticSecrets } from '../../src/render/secrets.js';
import { flowTooDeep } from '../../src/spec/flow-depth.js';
import { formatSpecError } from '../../src/spec/spec-error.js';
import { MAX_DEPTH } from '../../src/spec/yaml-docs.js';
import { BAD_SPECS, type BadSpecCase } from './bad-input/spec-cases.js';

const compiler = createCompiler();

function compile(c: BadSpecCase): { errors: string[]; servers: number } {
  const files = Object.entries(c.files).map(([path, content]) => ({
    path,
    content: typeof content === 'string' ? new TextEncoder().encode(content) : content,
  }));
  const out = compiler.compile(
    { files, symlinks: c.symlinks ?? [] },
    {
      secrets: staticSecrets(c.secrets ?? {}),
      runtime: 'process',
      ...(c.environment !== undefined && { environment: c.environment }),
    },
  );
  return { errors: out.errors.map(formatSpecError), servers: out.servers.length };
}

const LINE = /^(?<file>[^:]+):(?<line>\d+):(?<col>\d+): (?<field>-|\S.*?): (?<message>.{16,})$/s;

describe('bad input: hostile spec repositories (pure core)', () => {
  it('has at least 100 cases with unique names', () => {
    expect(BAD_SPECS.length).toBeGreaterThanOrEqual(100);
    expect(new Set(BAD_SPECS.map((c) => c.name)).size).toBe(BAD_SPECS.length);
  });

  it.each(BAD_SPECS.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const out = compile(c);
    expect(out.errors).toEqual(c.expected);
    expect(out.servers).toBe(0);
    for (const line of out.errors) {
      const m = LINE.exec(line);
      expect(m, line).not.toBeNull();
      expect(Object.keys(c.files).concat(c.symlinks ?? []), line).toContain(m!.groups!.file);
    }
  });

  it('leaves no trace: prototypes untouched, secret values never quoted, the same answer twice', () => {
    const protos = [Object.prototype, Array.prototype, Function.prototype, String.prototype];
    const before = protos.map((p) => Reflect.ownKeys(p).map(String).sort());
    for (const c of BAD_SPECS) {
      const out = compile(c);
      expect(out.errors, c.name).toEqual(c.expected);
      for (const v of Object.values(c.secrets ?? {})) expect(out.errors.join('\n'), c.name).not.toContain(v);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(protos.map((p) => Reflect.ownKeys(p).map(String).sort())).toEqual(before);
  });
});

describe('the flow-nesting pre-check refuses only real nesting', () => {
  const deep = '['.repeat(MAX_DEPTH + 1);
  it.each([
    ['a quoted scalar', `a: "${deep}"\n`],
    ['a single-quoted scalar with an escaped quote', `a: 'it''s ${deep}'\n`],
    ['a comment', `a: 1 # ${deep}\n`],
    ['a plain scalar', `a: x${deep}\n`],
    ['brackets closed as they open', `a: ${'[]'.repeat(500)}\n`],
    ['64 levels exactly', `${'['.repeat(MAX_DEPTH)}${']'.repeat(MAX_DEPTH)}\n`],
  ])('%s', (_name, text) => {
    expect(flowTooDeep(text, MAX_DEPTH)).toBeUndefined();
  });

  it.each([
    ['after a key', `a: ${deep}`, 3 + MAX_DEPTH],
    ['after an anchor', `a: &x ${deep}`, 6 + MAX_DEPTH],
    ['inside a list item', `- ${deep}`, 2 + MAX_DEPTH],
    ['maps in a flow', `a: ${'{b: '.repeat(MAX_DEPTH + 1)}`, 3 + 4 * MAX_DEPTH],
  ])('%s', (_name, text, offset) => {
    expect(flowTooDeep(text, MAX_DEPTH)).toBe(offset);
  });
});
