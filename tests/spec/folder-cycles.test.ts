// The folders of src/ depend one way (ESLint's local/no-folder-cycle says so at each import; this
// test proves the same without ESLint's configuration).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { folderCycles, folderGraph, relativeImports } from '../../scripts/folder-cycles.mjs';

const src = new URL('../../src', import.meta.url).pathname;
const dirs: string[] = [];

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-gitops-cycles-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('folder cycles', () => {
  it('reads static, type-only, re-exported and dynamic relative imports, not comments or packages', () => {
    const text = [
      "import { a } from '../a/x.js';",
      "import type { B } from '../b/y.js';",
      "export * from './c.js';",
      "const d = await import('../d/z.js');",
      "// import { e } from '../e/w.js';",
      "import f from 'fastify';",
    ].join('\n');
    expect(relativeImports(text).sort()).toEqual(['../a/x.js', '../b/y.js', '../d/z.js', './c.js']);
  });

  it('finds a cycle through a third folder, and none in a one-way tree', () => {
    const cyclic = tree({
      'runtimes/k8s/bridge.ts': "import { g } from '../../gateway/g.js';",
      'gateway/g.ts': "import { h } from '../health/h.js';",
      'health/h.ts': "import type { R } from '../runtimes/runtime.js';",
      'runtimes/runtime.ts': 'export type R = 1;',
    });
    expect(folderCycles(cyclic)).toContainEqual(['runtimes', 'gateway', 'health', 'runtimes']);
    const oneWay = tree({
      'bridge/bridge.ts': "import { g } from '../gateway/g.js';",
      'gateway/g.ts': "import { h } from '../health/h.js';",
      'health/h.ts': "import type { R } from '../runtimes/runtime.js';",
      'runtimes/runtime.ts': 'export type R = 1;',
      'cli.ts': "import { b } from './bridge/bridge.js';",
    });
    expect(folderCycles(oneWay)).toEqual([]);
    expect([...(folderGraph(oneWay).get('.') ?? [])]).toEqual(['bridge']);
  });

  it('src/ has no import cycle between folders', () => {
    expect(folderGraph(src).size).toBeGreaterThan(10);
    expect(folderCycles(src)).toEqual([]);
  });
});
