// The spec hash decides whether a server rolls: it must move with what runs, and only with that.
import { describe, expect, it } from 'vitest';
import { createCompiler, type CompileInput } from '../../src/render/desired-state.js';
import { staticSecrets } from '../../src/render/secrets.js';
import { specHash } from '../../src/render/spec-hash.js';
import type { SpecFile } from '../../src/spec/yaml-docs.js';
import { files } from '../helpers/spec-files.js';
import { y } from '../spec/corpus/yaml.js';

const memory = y`
  apiVersion: mcp-gitops/v1
  kind: MCPServer
  metadata: { name: memory }
  spec:
    version: "1"
    command: node
    args: [server.js]
    cwd: tools/memory
    env: { API_KEY: "{{ secrets.key }}", LEVEL: info }
`;
const other = 'apiVersion: mcp-gitops/v1\nkind: MCPServer\nmetadata: { name: other }\nspec:\n  version: "1"\n  command: node\n';

const repo = (over: Record<string, string> = {}): Record<string, string> => ({
  'specs/memory.yaml': memory,
  'specs/other.yaml': other,
  'specs/tools/memory/server.js': 'console.log("v1")',
  'specs/tools/memory/lib/util.js': 'export {}',
  'specs/tools/memory-old/server.js': 'old',
  'specs/tools/other/x.js': 'x',
  'outside/tools/memory/server.js': 'not under --path',
  ...over,
});

const compiler = createCompiler();
function hashes(input: CompileInput, key = 'k1'): Record<string, string> {
  const out = compiler.compile(input, { secrets: staticSecrets({ key }), runtime: 'process' });
  expect(out.errors).toEqual([]);
  return Object.fromEntries(out.servers.map((s) => [s.spec.name, s.specHash]));
}
const at = (m: Record<string, string>, extra: SpecFile[] = []): CompileInput => ({ files: [...files(m), ...extra], basePath: 'specs' });

describe('spec hash', () => {
  const base = hashes(at(repo()));

  it('is a short stable hex digest: same input, same hash, across compilers', () => {
    expect(base.memory).toMatch(/^[0-9a-f]{16}$/);
    expect(hashes(at(repo()))).toEqual(base);
    const fresh = createCompiler().compile(at(repo()), { secrets: staticSecrets({ key: 'k1' }), runtime: 'process' });
    expect(fresh.servers.find((s) => s.spec.name === 'memory')!.specHash).toBe(base.memory);
  });

  it('changes when a secret is rotated, while the masked view stays the same', () => {
    const a = compiler.compile(at(repo()), { secrets: staticSecrets({ key: 'k1' }) });
    const b = compiler.compile(at(repo()), { secrets: staticSecrets({ key: 'k2' }) });
    const [ma, mb] = [a, b].map((o) => o.servers.find((s) => s.spec.name === 'memory')!);
    expect(mb.specHash).not.toBe(ma.specHash);
    expect(mb.masked).toEqual(ma.masked);
    expect(hashes(at(repo()), 'k2').other).toBe(base.other);
  });

  it('does not change when the document only moves in its file (comments, key order, flow style)', () => {
    const moved = `# a comment\n\n# and another\n${memory
      .replace('  args: [server.js]\n', '')
      .replace('  command: node\n', '  command: node\n  args:\n    - server.js\n')
      .replace('env: { API_KEY: "{{ secrets.key }}", LEVEL: info }', 'env:\n    LEVEL: info\n    API_KEY: "{{ secrets.key }}"')}`;
    expect(moved).toContain('    - server.js\n');
    expect(moved).toContain('    LEVEL: info\n');
    const out = compiler.compile(at(repo({ 'specs/memory.yaml': moved })), { secrets: staticSecrets({ key: 'k1' }) });
    const s = out.servers.find((x) => x.spec.name === 'memory')!;
    expect(s.spec.source.line).toBe(6);
    expect(s.specHash).toBe(base.memory);
  });

  it('does not change when the file is renamed', () => {
    const m = repo();
    delete m['specs/memory.yaml'];
    expect(hashes(at({ ...m, 'specs/servers/mem.yaml': memory })).memory).toBe(base.memory);
  });

  it('changes when a file under cwd changes, is added, or becomes executable', () => {
    expect(hashes(at(repo({ 'specs/tools/memory/server.js': 'console.log("v2")' }))).memory).not.toBe(base.memory);
    expect(hashes(at(repo({ 'specs/tools/memory/new.js': '' }))).memory).not.toBe(base.memory);
    const exec: SpecFile = { path: 'specs/tools/memory/run.sh', content: new TextEncoder().encode('#!/bin/sh'), executable: true };
    const plain: SpecFile = { ...exec, executable: false };
    expect(hashes(at(repo(), [exec])).memory).not.toBe(hashes(at(repo(), [plain])).memory);
  });

  it('does not change for files outside cwd, in a sibling with a common prefix, or outside --path', () => {
    const h = hashes(
      at(
        repo({
          'specs/tools/memory-old/server.js': 'changed',
          'specs/tools/other/x.js': 'changed',
          'outside/tools/memory/server.js': 'changed',
        }),
      ),
    );
    expect(h.memory).toBe(base.memory);
    expect(h.other).toBe(base.other);
  });

  it('resolves cwd with "." and ".." segments to the same directory', () => {
    const odd = memory.replace('cwd: tools/memory', 'cwd: ./tools/other/../memory/');
    const h = hashes(at(repo({ 'specs/memory.yaml': odd })));
    const h2 = hashes(at(repo({ 'specs/memory.yaml': odd, 'specs/tools/memory/server.js': 'v2' })));
    expect(h2.memory).not.toBe(h.memory);
  });

  it('changes with anything the runtime sees: args, env, version, health', () => {
    for (const [from, to] of [
      ['[server.js]', '[server.js, --x]'],
      ['LEVEL: info', 'LEVEL: debug'],
      ['version: "1"', 'version: "2"'],
      ['cwd: tools/memory', 'cwd: tools/memory\n  health: { timeoutSeconds: 3 }'],
    ]) {
      expect(memory).toContain(from);
      expect(hashes(at(repo({ 'specs/memory.yaml': memory.replace(from, to) }))).memory, to).not.toBe(base.memory);
    }
  });
});

describe('specHash()', () => {
  it('ignores key order and undefined fields, not list order', () => {
    expect(specHash({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(specHash({ b: { d: 'x', c: [1, 2] }, a: 1, z: undefined }));
    expect(specHash({ l: [1, 2] })).not.toBe(specHash({ l: [2, 1] }));
    expect(specHash({ a: '1' })).not.toBe(specHash({ a: 1 }));
  });
});
