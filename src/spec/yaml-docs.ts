// Splits every YAML file of a snapshot into documents, keeping positions for every later error.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Document, type YAMLError } from 'yaml';
import { flowTooDeep } from './flow-depth.js';
import { formatPath, positionOf, type PathSegment } from './positions.js';
import type { SpecError } from './spec-error.js';

export interface SpecFile {
  path: string;
  content: Uint8Array;
  /** Committed with mode 100755 (part of the digest of a server's `cwd`). */
  executable?: boolean;
}

export interface YamlDoc {
  file: string;
  /** 0-based index of the document in its file. */
  index: number;
  doc: Document;
  lc: LineCounter;
  /** Plain JS value of the document. */
  value: unknown;
  /** Line of `metadata.name` (of its nearest ancestor when missing): where a rendered server's source points. */
  nameLine: number;
}

export const MAX_FILE_BYTES = 1024 * 1024;
const MAX_ALIASES = 100;
/** Deeper than any spec needs; deep enough input exhausts the stack of every later stage. */
export const MAX_DEPTH = 64;
const DEPTH_MESSAGE = `nested more than ${MAX_DEPTH} levels deep; a spec needs far fewer (is this generated data?)`;

export function isSpecFile(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

function fileError(file: string, message: string, line = 1, col = 1): SpecError {
  return { file, line, col, field: '-', message };
}

export function parseYamlFile(file: SpecFile): { docs: YamlDoc[]; errors: SpecError[] } {
  if (file.content.byteLength > MAX_FILE_BYTES) {
    return { docs: [], errors: [fileError(file.path, `file is ${file.content.byteLength} bytes; the limit is ${MAX_FILE_BYTES}`)] };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(file.content);
  } catch {
    return { docs: [], errors: [fileError(file.path, 'file is not valid UTF-8 text; save it with UTF-8 encoding')] };
  }
  if (text.includes('\u0000')) return { docs: [], errors: [fileError(file.path, 'file is binary (contains NUL bytes), not YAML text')] };
  const deepFlow = flowTooDeep(text, MAX_DEPTH);
  if (deepFlow !== undefined) {
    const before = text.slice(0, deepFlow);
    const line = before.split('\n').length;
    return { docs: [], errors: [fileError(file.path, `invalid YAML: ${DEPTH_MESSAGE}`, line, deepFlow - before.lastIndexOf('\n'))] };
  }

  const lc = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false, strict: true });
  const list = Array.isArray(parsed) ? parsed : [];
  const docs: YamlDoc[] = [];
  const errors: SpecError[] = [];
  list.forEach((doc, index) => {
    const problems = [...doc.errors, ...doc.warnings];
    if (problems.length > 0) {
      errors.push(...yamlErrors(file.path, doc, lc, problems));
      return;
    }
    if (doc.contents === null) return; // empty document (e.g. a trailing ---)
    const deep = tooDeep(doc.contents);
    if (deep !== undefined) {
      const p = lc.linePos(deep);
      errors.push({ file: file.path, line: p.line, col: p.col, field: '-', message: `invalid YAML: ${DEPTH_MESSAGE}` });
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (e) {
      const p = lc.linePos(aliasOffset(doc, e) ?? doc.contents.range?.[0] ?? 0);
      errors.push({ file: file.path, line: p.line, col: p.col, field: '-', message: `invalid YAML: ${firstLine(e instanceof Error ? e.message : String(e))}` });
      return;
    }
    if (value === null || value === undefined) return; // `---` followed by nothing but comments
    docs.push({ file: file.path, index, doc, lc, value, nameLine: positionOf(doc, lc, ['metadata', 'name']).line });
  });
  return { docs, errors };
}

/**
 * Every duplicate key (each is a separate mistake), plus the first other syntax error of the
 * document: later ones are almost always the parser losing its way after the first.
 */
function yamlErrors(file: string, doc: Document, lc: LineCounter, problems: YAMLError[]): SpecError[] {
  const sorted = [...problems].sort((a, b) => a.pos[0] - b.pos[0]);
  const out: SpecError[] = [];
  let syntaxReported = false;
  for (const e of sorted) {
    const p = lc.linePos(e.pos[0]);
    if (e.code === 'DUPLICATE_KEY') {
      const dup = findDuplicateKey(doc, e.pos[0]);
      if (dup) {
        const first = lc.linePos(dup.firstOffset);
        out.push({
          file,
          line: p.line,
          col: p.col,
          field: formatPath(dup.path),
          message: `duplicate key: already defined at line ${first.line}; remove one of them`,
        });
        continue;
      }
    }
    if (syntaxReported) continue;
    syntaxReported = true;
    const flow = e.code === 'BAD_INDENT' ? unclosedFlow(doc, e.pos[0]) : undefined;
    if (flow) {
      const f = lc.linePos(flow.offset);
      const [open, close] = flow.seq ? ['[', ']'] : ['{', '}'];
      out.push({
        file,
        line: f.line,
        col: f.col,
        field: '-',
        message: `invalid YAML: "${open}" is not closed with "${close}" (or a line inside it is not indented enough)`,
      });
      continue;
    }
    const message =
      e.code === 'RESOURCE_EXHAUSTION' && /call stack/i.test(e.message)
        ? DEPTH_MESSAGE
        : e.code === 'TAB_AS_INDENT'
          ? 'tabs are not allowed as indentation; indent with spaces'
          : e.code === 'TAG_RESOLVE_FAILED'
            ? `unknown YAML tag ${firstLine(e.message).replace(/^Unresolved tag:\s*/, '')}; remove it`
            : firstLine(e.message);
    out.push({ file, line: p.line, col: p.col, field: '-', message: `invalid YAML: ${message}` });
  }
  return out;
}

/** Offset of the first collection nested deeper than MAX_DEPTH (iterative: no recursion to exhaust). */
function tooDeep(root: unknown): number | undefined {
  const stack: { node: unknown; depth: number }[] = [{ node: root, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth > MAX_DEPTH) return node.range?.[0] ?? 0;
    for (const item of node.items) {
      if (isPair(item)) stack.push({ node: item.key, depth: depth + 1 }, { node: item.value, depth: depth + 1 });
      else stack.push({ node: item, depth: depth + 1 });
    }
  }
  return undefined;
}

/** The key at `offset` in a mapping that already has it, with its path and the first occurrence. */
function findDuplicateKey(doc: Document, offset: number): { path: PathSegment[]; firstOffset: number } | undefined {
  const walk = (node: unknown, path: PathSegment[]): { path: PathSegment[]; firstOffset: number } | undefined => {
    if (isMap(node)) {
      const seen = new Map<string, number>();
      for (const item of node.items) {
        if (!isPair(item)) continue;
        const key = isScalar(item.key) ? String(item.key.value) : undefined;
        const start = isScalar(item.key) ? item.key.range?.[0] : undefined;
        if (key !== undefined && start !== undefined) {
          const first = seen.get(key);
          if (start === offset && first !== undefined) return { path: [...path, key], firstOffset: first };
          if (first === undefined) seen.set(key, start);
        }
        const found = walk(item.value, key === undefined ? path : [...path, key]);
        if (found) return found;
      }
    } else if (isSeq(node)) {
      for (let i = 0; i < node.items.length; i++) {
        const found = walk(node.items[i], [...path, i]);
        if (found) return found;
      }
    }
    return undefined;
  };
  return walk(doc.contents, []);
}

/** The innermost flow collection (`[...]`, `{...}`) that the parser gave up on at `offset`. */
function unclosedFlow(doc: Document, offset: number): { offset: number; seq: boolean } | undefined {
  let found: { offset: number; seq: boolean } | undefined;
  visit(doc, {
    Collection: (_k, node) => {
      if (node.flow && node.range && node.range[1] === offset) found = { offset: node.range[0], seq: isSeq(node) };
    },
  });
  return found;
}

/** Where an alias that failed to resolve is written (`*name`). */
function aliasOffset(doc: Document, e: unknown): number | undefined {
  const m = /Unresolved alias.*: (\S+)$/.exec(e instanceof Error ? e.message : '');
  let offset: number | undefined;
  if (m) {
    visit(doc, {
      Alias: (_k, node) => {
        if (isAlias(node) && node.source === m[1] && offset === undefined) offset = node.range?.[0];
      },
    });
  }
  return offset;
}

function firstLine(s: string): string {
  return s
    .split('\n')[0]
    .replace(/ at line \d+, column \d+:?$/, '')
    .trim();
}
