// Nunjucks on single string values, with no loader and a small sandbox: templates may read
// values and use filters, but may not call functions, reach prototypes or include other files.
import nunjucks from 'nunjucks';
import { didYouMean } from '../spec/did-you-mean.js';

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

// @types/nunjucks does not declare the parser, which nunjucks does export.
const parser = (nunjucks as unknown as { parser: { parse(src: string, ext: unknown[], opts: object): unknown } }).parser;

interface AstNode {
  typename: string;
  fields?: string[];
  value?: unknown;
  [k: string]: unknown;
}

const FORBIDDEN_NODES: Record<string, string> = {
  FunCall: 'function calls are not allowed in templates (filters are: {{ x | upper }})',
  FilterAsync: 'async filters are not allowed in templates',
  Include: 'include is not allowed in templates',
  Import: 'import is not allowed in templates',
  FromImport: 'import is not allowed in templates',
  Extends: 'extends is not allowed in templates',
  Macro: 'macros are not allowed in templates',
  Caller: 'call blocks are not allowed in templates',
  CallExtension: 'extensions are not allowed in templates',
  CallExtensionAsync: 'extensions are not allowed in templates',
};

function checkLookup(node: AstNode): void {
  const key = node.val as AstNode | undefined;
  if (!key || key.typename !== 'Literal') throw new TemplateError('computed lookups (x[y]) are not allowed in templates; use a literal key');
  const name = String(key.value);
  if (name.startsWith('__') || name === 'constructor' || name === 'prototype') {
    throw new TemplateError(`access to "${name}" is not allowed in templates`);
  }
}

/** Filters whose output changes from one render to the next: the spec hash would never settle. */
const NONDETERMINISTIC_FILTERS = new Set(['random']);

function checkFilter(node: AstNode, filters: readonly string[]): void {
  const name = String((node.name as AstNode | undefined)?.value);
  if (NONDETERMINISTIC_FILTERS.has(name)) {
    throw new TemplateError(`filter "${name}" is not allowed: templates must render the same way every time`);
  }
  if (!filters.includes(name)) throw new TemplateError(`unknown filter "${name}"${didYouMean(name, filters)}`);
}

function checkAst(node: unknown, filters: readonly string[]): void {
  if (!node || typeof node !== 'object') return;
  const n = node as AstNode;
  const forbidden = FORBIDDEN_NODES[n.typename];
  if (forbidden) throw new TemplateError(forbidden);
  if (n.typename === 'LookupVal') checkLookup(n);
  if (n.typename === 'Filter') checkFilter(n, filters);
  if (n.typename === 'Symbol' && typeof n.value === 'string' && n.value.startsWith('__')) {
    throw new TemplateError(`access to "${n.value}" is not allowed in templates`);
  }
  for (const f of n.fields ?? []) {
    const v = n[f];
    if (Array.isArray(v)) v.forEach((x) => checkAst(x, filters));
    else checkAst(v, filters);
  }
}

/**
 * `(unknown path) [Line 1, Column 6]\n  unexpected token: }}` -> `unexpected token: }} (at column 6)`.
 * Only parse errors carry a useful position (1-based, inside the string value); render errors
 * point at the start of the output and are not given `positioned`.
 */
function cleanNunjucksMessage(e: unknown, positioned = false): string {
  const raw = e instanceof Error ? e.message : String(e);
  const lines = raw
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('Template render error'));
  const last = (lines[lines.length - 1] ?? raw)
    .replace(/^\(unknown path\)\s*/, '')
    .replace(/^Error:\s*/, '')
    .replace(/^\[Line \d+, Column \d+\]\s*/, '')
    .replace(/^parse[A-Z]\w*: /, '');
  const pos = /\[Line (\d+), Column (\d+)\]/.exec(raw);
  if (!positioned || !pos) return last;
  const line = Number(pos[1]);
  return `${last} (at ${line > 1 ? `line ${line}, ` : ''}column ${pos[2]} of the value)`;
}

/** Top-level names a template reads that it does not define itself (for/set targets). */
export function freeSymbols(src: string): string[] {
  const used = new Set<string>();
  const defined = new Set<string>();
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as AstNode;
    if (n.typename === 'Symbol' && typeof n.value === 'string') used.add(n.value);
    if (n.typename === 'For' || n.typename === 'AsyncEach' || n.typename === 'AsyncAll') collectNames(n.name, defined);
    if (n.typename === 'Set') (n.targets as unknown[]).forEach((t) => collectNames(t, defined));
    if (n.typename === 'Filter') {
      walk(n.args);
      return;
    }
    if (n.typename === 'Is') {
      walk(n.left);
      return;
    } // `x is defined`: the test is no variable
    for (const f of n.fields ?? []) {
      const v = n[f];
      if (Array.isArray(v)) v.forEach(walk);
      else walk(v);
    }
  };
  walk(parser.parse(src, [], {}));
  return [...used].filter((s) => !defined.has(s));
}

function collectNames(node: unknown, into: Set<string>): void {
  if (!node || typeof node !== 'object') return;
  const n = node as AstNode;
  if (n.typename === 'Symbol' && typeof n.value === 'string') into.add(n.value);
  for (const c of (n.children as unknown[] | undefined) ?? []) collectNames(c, into);
}

export interface TemplateEngine {
  /** True when the string contains template syntax at all (plain strings skip nunjucks). */
  isTemplate(src: string): boolean;
  render(src: string, context: object): string;
  /** Cache counters: `compiled` grows only for sources not seen before. */
  stats(): { compiled: number; cached: number };
}

export interface TemplateEngineOptions {
  /** The only top-level names templates may read (besides their own set/for names and `loop`). */
  names?: readonly string[];
  /** Compiled templates kept (failures included); the cache is emptied when it is full. */
  maxCached?: number;
}

export const CONTEXT_NAMES: readonly string[] = ['vars', 'secrets', 'environment', 'server'];
/** Names only some fields see (replica: spec.port and spec.env); elsewhere the render explains it. */
const SCOPED_NAMES: ReadonlySet<string> = new Set(['replica']);

export function createTemplateEngine(options: TemplateEngineOptions = {}): TemplateEngine {
  const names = options.names ?? CONTEXT_NAMES;
  const maxCached = options.maxCached ?? 10_000;
  const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true });
  const filters = Object.keys((env as unknown as { filters: Record<string, unknown> }).filters).filter((f) => !NONDETERMINISTIC_FILTERS.has(f));
  const cache = new Map<string, nunjucks.Template | TemplateError>();
  let compiled = 0;
  const build = (src: string): nunjucks.Template | TemplateError => {
    compiled++;
    let t: nunjucks.Template;
    try {
      t = new nunjucks.Template(src, env, undefined, true);
    } catch (e) {
      return new TemplateError(`template syntax error: ${cleanNunjucksMessage(e, true)}`);
    }
    try {
      const ast = parser.parse(src, [], {});
      checkAst(ast, filters);
      const unknown = freeSymbols(src).find((s) => !names.includes(s) && s !== 'loop' && !SCOPED_NAMES.has(s));
      if (unknown !== undefined) {
        return new TemplateError(`undefined name "${unknown}"${didYouMean(unknown, names)} (templates see ${names.join(', ')})`);
      }
    } catch (e) {
      return e instanceof TemplateError ? e : new TemplateError(cleanNunjucksMessage(e));
    }
    return t;
  };
  const compile = (src: string): nunjucks.Template => {
    let t = cache.get(src);
    if (t === undefined) {
      t = build(src);
      if (cache.size >= maxCached) cache.clear();
      cache.set(src, t);
    }
    if (t instanceof TemplateError) throw t;
    return t;
  };
  return {
    isTemplate: (src) => src.includes('{{') || src.includes('{%') || src.includes('{#'),
    render(src, context) {
      const t = compile(src);
      try {
        return t.render(context);
      } catch (e) {
        throw new TemplateError(cleanNunjucksMessage(e));
      }
    },
    stats: () => ({ compiled, cached: cache.size }),
  };
}
