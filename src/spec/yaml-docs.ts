// Splits every YAML file of a snapshot into documents, keeping positions for every later error.
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import type { SpecError } from './spec-error.js';

export interface SpecFile { path: string; content: Uint8Array }

export interface YamlDoc {
  file: string;
  /** 0-based index of the document in its file. */
  index: number;
  doc: Document;
  lc: LineCounter;
  /** Plain JS value of the document. */
  value: unknown;
}

export const MAX_FILE_BYTES = 1024 * 1024;
const MAX_ALIASES = 100;

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
    return { docs: [], errors: [fileError(file.path, 'file is not valid UTF-8 text')] };
  }
  if (text.includes('\u0000')) return { docs: [], errors: [fileError(file.path, 'file is binary (contains NUL bytes)')] };

  const lc = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false, strict: true });
  const list = Array.isArray(parsed) ? parsed : [];
  const docs: YamlDoc[] = [];
  const errors: SpecError[] = [];
  list.forEach((doc, index) => {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const p = lc.linePos(e.pos[0]);
        errors.push({ file: file.path, line: p.line, col: p.col, field: '-', message: `invalid YAML: ${firstLine(e.message)}` });
      }
      return;
    }
    if (doc.contents === null) return; // empty document (e.g. a trailing ---)
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (e) {
      const p = lc.linePos(doc.contents.range?.[0] ?? 0);
      errors.push({ file: file.path, line: p.line, col: p.col, field: '-', message: `invalid YAML: ${firstLine(e instanceof Error ? e.message : String(e))}` });
      return;
    }
    docs.push({ file: file.path, index, doc, lc, value });
  });
  return { docs, errors };
}

function firstLine(s: string): string {
  return s.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').trim();
}
