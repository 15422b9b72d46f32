// The pure core (spec, render, plan) takes data as arguments: no file system, processes, network,
// git, watchers, runtimes, HTTP server, logging, metrics or MCP client. ESLint enforces this too;
// this test proves it without ESLint's configuration.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const PURE_DIRS = ['src/spec', 'src/render', 'src/plan', 'src/tools'];

const FORBIDDEN = [
  'fs',
  'fs/promises',
  'child_process',
  'net',
  'http',
  'https',
  'http2',
  'dgram',
  'tls',
  'worker_threads',
  'cluster',
  'isomorphic-git',
  'chokidar',
  'dockerode',
  '@kubernetes/client-node',
  'fastify',
  'pino',
  'prom-client',
  '@modelcontextprotocol/sdk',
];

function forbiddenModule(spec: string): string | undefined {
  const bare = spec.replace(/^node:/, '');
  return FORBIDDEN.find((m) => bare === m || bare.startsWith(`${m}/`));
}

/** Source with comments removed (strings kept: a specifier is a string). */
function stripComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** Problems in one source file: forbidden imports (static, dynamic, require, re-export) and `process` use. */
export function impurities(src: string): string[] {
  const code = stripComments(src);
  const out: string[] = [];
  const specifiers = [
    ...code.matchAll(/\b(?:import|export)\s[^;'"`]*?\bfrom\s*['"]([^'"]+)['"]/g),
    ...code.matchAll(/\bimport\s*['"]([^'"]+)['"]/g),
    ...code.matchAll(/\b(?:import|require)\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g),
  ].map((m) => m[1]);
  for (const s of specifiers) {
    const m = forbiddenModule(s);
    if (m) out.push(`imports ${s}`);
  }
  if (/\bimport\s*\(\s*[^'"`\s]/.test(code)) out.push('dynamic import of a computed specifier');
  for (const m of code.matchAll(/(?<![\w$.])(?:globalThis\s*\.\s*)?process\s*(?:\.|\[)/g)) out.push(`uses ${m[0].replace(/\s+/g, '')}`);
  return out;
}

function sources(dir: string): string[] {
  const abs = join(root, dir);
  let names: string[];
  try {
    names = readdirSync(abs);
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    const p = join(abs, n);
    if (statSync(p).isDirectory()) return sources(relative(root, p));
    return /\.(ts|mts|cts|js|mjs)$/.test(n) && !n.endsWith('.d.ts') ? [p] : [];
  });
}

describe('pure core', () => {
  it('the scanner catches every kind of I/O import and process use', () => {
    expect(impurities("import { readFileSync } from 'node:fs';")).toEqual(['imports node:fs']);
    expect(impurities("import * as fsp from 'fs/promises'")).toEqual(['imports fs/promises']);
    expect(impurities("import type { X } from 'dockerode';")).toEqual(['imports dockerode']);
    expect(impurities("export { spawn } from 'node:child_process';")).toEqual(['imports node:child_process']);
    expect(impurities("import 'chokidar';")).toEqual(['imports chokidar']);
    expect(impurities("const g = await import('isomorphic-git');")).toEqual(['imports isomorphic-git']);
    expect(impurities("const h = require('https');")).toEqual(['imports https']);
    expect(impurities("import {\n  Client,\n} from '@modelcontextprotocol/sdk/client/index.js';")).toEqual([
      'imports @modelcontextprotocol/sdk/client/index.js',
    ]);
    expect(
      impurities(
        "import k8s from '@kubernetes/client-node'; import f from 'fastify'; import p from 'pino'; import m from 'prom-client'; import n from 'net'; import h from 'http';",
      ),
    ).toHaveLength(6);
    expect(impurities('const m = await import(name);')).toEqual(['dynamic import of a computed specifier']);
    expect(impurities('const e = process.env.X;')).toEqual(['uses process.']);
    expect(impurities("const e = globalThis.process['env'];")).toEqual(['uses globalThis.process[']);
    // Not I/O: crypto, relative imports, comments, names that merely contain "process".
    expect(
      impurities(
        "import { createHash } from 'node:crypto';\nimport { a } from './fs.js';\n// process.env is not read here\nconst preprocess = 1; x.process.y;",
      ),
    ).toEqual([]);
  });

  it('src/spec, src/render and src/plan import no I/O and read no process state', () => {
    const files = PURE_DIRS.flatMap(sources);
    expect(files.length).toBeGreaterThan(10);
    const found = files.flatMap((f) => impurities(readFileSync(f, 'utf8')).map((p) => `${relative(root, f)}: ${p}`));
    expect(found).toEqual([]);
  });
});
