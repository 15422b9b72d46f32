// Nunjucks on single string values, with no loader and a small sandbox: templates may read
// values and use filters, but may not call functions, reach prototypes or include other files.
import nunjucks from 'nunjucks';

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

// @types/nunjucks does not declare the parser, which nunjucks does export.
const parser = (nunjucks as unknown as { parser: { parse(src: string, ext: unknown[], opts: object): unknown } }).parser;

interface AstNode { typename: string; fields?: string[]; value?: unknown; [k: string]: unknown }

const FORBIDDEN_NODES: Record<string, string> = {
  FunCall: 'function calls are not allowed in templates',
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

function checkAst(node: unknown): void {
  if (!node || typeof node !== 'object') return;
  const n = node as AstNode;
  const forbidden = FORBIDDEN_NODES[n.typename];
  if (forbidden) throw new TemplateError(forbidden);
  if (n.typename === 'LookupVal') checkLookup(n);
  if (n.typename === 'Symbol' && typeof n.value === 'string' && n.value.startsWith('__')) {
    throw new TemplateError(`access to "${n.value}" is not allowed in templates`);
  }
  for (const f of n.fields ?? []) {
    const v = n[f];
    if (Array.isArray(v)) v.forEach(checkAst);
    else checkAst(v);
  }
}

function cleanNunjucksMessage(e: unknown): string {
  const raw = e instanceof Error ? e.message : String(e);
  const lines = raw.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('Template render error'));
  const last = (lines[lines.length - 1] ?? raw).replace(/^\(unknown path\)\s*/, '').replace(/^Error:\s*/, '');
  return last.replace(/^\[Line (\d+), Column (\d+)\]\s*/, 'line $1, column $2: ');
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
    if (n.typename === 'Filter') { walk(n.args); return; }
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
}

export function createTemplateEngine(): TemplateEngine {
  const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true });
  const cache = new Map<string, nunjucks.Template>();
  const compile = (src: string): nunjucks.Template => {
    let t = cache.get(src);
    if (t) return t;
    try {
      t = new nunjucks.Template(src, env, undefined, true);
    } catch (e) {
      throw new TemplateError(`template syntax error: ${cleanNunjucksMessage(e)}`);
    }
    checkAst(parser.parse(src, [], {}));
    if (cache.size > 10_000) cache.clear();
    cache.set(src, t);
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
  };
}
