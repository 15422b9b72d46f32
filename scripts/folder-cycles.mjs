// No import cycle between the folders of src/ (src/runtimes, src/gateway, ...): layers point one
// way. An ESLint rule (`local/no-folder-cycle`) reports the import that closes a cycle, naming the
// path back; `folderCycles` gives the same answer for a test. Type-only imports count: a folder that
// needs another's types depends on it. Files directly in src/ form the folder ".".
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const SPECIFIERS = [/\b(?:import|export)\s[^;'"`]*?\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"`]([^'"`]+)['"`]\s*\)/g];

function stripComments(src) {
  return src.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|mts|cts|js|mjs)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The folder of src/ that `file` belongs to, or undefined outside src/. */
export function folderOf(srcDir, file) {
  const rel = relative(srcDir, file);
  if (rel.startsWith('..') || rel === '') return undefined;
  const parts = rel.split(sep);
  return parts.length === 1 ? '.' : parts[0];
}

/** Relative specifiers imported by one source text. */
export function relativeImports(text) {
  const code = stripComments(text);
  return SPECIFIERS.flatMap((re) => [...code.matchAll(re)].map((m) => m[1])).filter((s) => s.startsWith('.'));
}

/** folder -> folders it imports from. */
export function folderGraph(srcDir) {
  const graph = new Map();
  for (const file of sources(srcDir)) {
    const from = folderOf(srcDir, file);
    for (const spec of relativeImports(readFileSync(file, 'utf8'))) {
      const to = folderOf(srcDir, resolve(dirname(file), spec));
      if (to === undefined || to === from) continue;
      if (!graph.has(from)) graph.set(from, new Set());
      graph.get(from).add(to);
    }
  }
  return graph;
}

/** A path of folders from `start` to `goal` ([start, ..., goal]), or undefined. */
export function pathBetween(graph, start, goal) {
  const seen = new Set([start]);
  const queue = [[start]];
  while (queue.length > 0) {
    const path = queue.shift();
    const last = path[path.length - 1];
    if (last === goal) return path;
    for (const next of graph.get(last) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push([...path, next]);
      }
    }
  }
  return undefined;
}

/** Every edge that closes a cycle, as the cycle: ['runtimes', 'gateway', 'runtimes']. */
export function folderCycles(srcDir) {
  const graph = folderGraph(srcDir);
  const cycles = [];
  for (const [from, tos] of graph) {
    for (const to of tos) {
      const back = pathBetween(graph, to, from);
      if (back) cycles.push([from, ...back]);
    }
  }
  return cycles;
}

// One graph per lint run (a long-lived editor server sees the graph of its start).
const graphs = new Map();

const noFolderCycle = {
  meta: {
    type: 'problem',
    docs: { description: 'no import cycle between the folders of src/' },
    schema: [],
    messages: { cycle: 'import cycle between folders: {{cycle}} (folders of src/ depend one way)' },
  },
  create(context) {
    const srcDir = join(context.cwd, 'src');
    const from = folderOf(srcDir, context.filename);
    if (from === undefined) return {};
    if (!graphs.has(srcDir)) graphs.set(srcDir, folderGraph(srcDir));
    const graph = graphs.get(srcDir);
    const check = (node) => {
      const spec = node.source?.type === 'Literal' ? node.source.value : undefined;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const to = folderOf(srcDir, resolve(dirname(context.filename), spec));
      if (to === undefined || to === from) return;
      const back = pathBetween(graph, to, from);
      if (back) context.report({ node, messageId: 'cycle', data: { cycle: [from, ...back].join(' -> ') } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};

export const folderCyclesPlugin = { rules: { 'no-folder-cycle': noFolderCycle } };
