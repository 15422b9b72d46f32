// Loads every spec document of a snapshot: YAML, document header, JSON Schema, unique names.
// Pure: takes file contents, returns typed documents and every error at once.
import { closest, didYouMean } from './did-you-mean.js';
import type { Environment, MCPServer, Notifier } from './generated.js';
import { formatPath, positionOf, type PathSegment } from './positions.js';
import { KINDS, type Kind, type SchemaValidator } from './schema-validator.js';
import type { SpecError } from './spec-error.js';
import type { ParseCache } from './parse-cache.js';
import { isSpecFile, parseYamlFile, type SpecFile, type YamlDoc } from './yaml-docs.js';

export const API_VERSION = 'mcp-gitops/v1';
/** Documents outside this apiVersion group belong to other tools and are skipped with a note. */
export const API_GROUP = 'mcp-gitops/';

export interface LoadedDoc<T> {
  name: string;
  doc: YamlDoc;
  value: T;
}

export interface LoadedSpecs {
  servers: LoadedDoc<MCPServer>[];
  environments: LoadedDoc<Environment>[];
  notifiers: LoadedDoc<Notifier>[];
  /** Names of MCPServer documents that failed validation: known, so they cause no follow-on errors. */
  invalidServerNames: Set<string>;
  errors: SpecError[];
  /** Documents skipped as another tool's YAML (CI files, manifests, compose files), one note each. */
  skipped: SpecError[];
}

export interface LoadInput {
  files: readonly SpecFile[];
  /** Symlinks under --path: never followed, each is an error if it looks like a spec file. */
  symlinks?: readonly string[];
}

/** Locates an error inside one document. */
export function errorAt(doc: YamlDoc, path: readonly PathSegment[], message: string, atKey = false): SpecError {
  const p = positionOf(doc.doc, doc.lc, path, atKey);
  return { file: doc.file, line: p.line, col: p.col, field: formatPath(path), message };
}

function header(doc: YamlDoc): { kind?: Kind; errors: SpecError[] } {
  const v = doc.value;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    return { errors: [errorAt(doc, [], 'a spec document must be a mapping with apiVersion, kind, metadata and spec')] };
  }
  const { apiVersion, kind } = v as Record<string, unknown>;
  const errors: SpecError[] = [];
  if (apiVersion === undefined) errors.push(errorAt(doc, ['apiVersion'], `required field missing (expected "${API_VERSION}")`));
  else if (apiVersion !== API_VERSION)
    errors.push(errorAt(doc, ['apiVersion'], `unsupported apiVersion ${JSON.stringify(apiVersion)} (expected "${API_VERSION}")`));
  if (kind === undefined) {
    errors.push(errorAt(doc, ['kind'], `required field missing (one of ${KINDS.join(', ')})`));
    return { errors };
  }
  if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind)) {
    const hint = typeof kind === 'string' ? didYouMean(kind, KINDS) : '';
    errors.push(errorAt(doc, ['kind'], `unknown kind ${JSON.stringify(kind)}: must be one of ${KINDS.join(', ')}${hint}`));
    return { errors };
  }
  return { kind: kind as Kind, errors };
}

/**
 * Why a document is someone else's (skipped), or undefined when it is ours. Ours: an apiVersion in
 * the mcp-gitops/ group (a typo such as mcp-gitops/v9 stays an error), or no apiVersion but one of
 * our kinds (or a near miss of one). A document that is not a mapping is ours when its file names
 * the group somewhere (a stray list or string among our specs is a mistake, not a foreign file).
 */
function foreign(doc: YamlDoc, fileNamesGroup: boolean): string | undefined {
  const v = doc.value;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    return fileNamesGroup ? undefined : `skipped: not a mapping, and the file names no ${API_GROUP} apiVersion`;
  }
  const { apiVersion, kind } = v as Record<string, unknown>;
  if (typeof apiVersion === 'string') {
    return apiVersion.startsWith(API_GROUP) ? undefined : `skipped: apiVersion ${JSON.stringify(apiVersion)} is not ${API_GROUP}*`;
  }
  if (apiVersion !== undefined) return undefined;
  if (typeof kind === 'string' && ((KINDS as readonly string[]).includes(kind) || closest(kind, KINDS) !== undefined)) return undefined;
  return `skipped: no apiVersion${typeof kind === 'string' ? ` and kind ${JSON.stringify(kind)} is not one of ${KINDS.join(', ')}` : ' or kind'}`;
}

function duplicateNames<T>(docs: LoadedDoc<T>[], kind: Kind): SpecError[] {
  const first = new Map<string, LoadedDoc<T>>();
  const errors: SpecError[] = [];
  for (const d of docs) {
    const prev = first.get(d.name);
    if (!prev) {
      first.set(d.name, d);
      continue;
    }
    const p = positionOf(prev.doc.doc, prev.doc.lc, ['metadata', 'name']);
    errors.push(errorAt(d.doc, ['metadata', 'name'], `duplicate ${kind} name "${d.name}" (first defined at ${prev.doc.file}:${p.line}:${p.col})`));
  }
  return errors;
}

/** `cache`: files parsed by earlier calls (a compiler keeps one across commits). */
export function loadSpecs(input: LoadInput, validator: SchemaValidator, cache?: ParseCache): LoadedSpecs {
  const errors: SpecError[] = [];
  const servers: LoadedDoc<MCPServer>[] = [];
  const environments: LoadedDoc<Environment>[] = [];
  const notifiers: LoadedDoc<Notifier>[] = [];
  const invalidServerNames = new Set<string>();
  const skipped: SpecError[] = [];
  for (const link of input.symlinks ?? []) {
    if (isSpecFile(link)) errors.push({ file: link, line: 1, col: 1, field: '-', message: 'symbolic links are not followed; commit the file itself' });
  }
  const files = [...input.files].filter((f) => isSpecFile(f.path)).sort((a, b) => (a.path < b.path ? -1 : 1));
  for (const file of files) {
    const parsed = cache ? cache.parse(file) : parseYamlFile(file);
    const namesGroup = new TextDecoder().decode(file.content).includes(API_GROUP);
    errors.push(...parsed.errors);
    for (const doc of parsed.docs) {
      const why = foreign(doc, namesGroup);
      if (why !== undefined) {
        skipped.push(errorAt(doc, [], why));
        continue;
      }
      const h = header(doc);
      errors.push(...h.errors);
      if (!h.kind) continue;
      // apiVersion and kind were checked above, with better messages than the schema's `const`.
      const schemaErrors = validator.validate(h.kind, doc).filter((e) => e.field !== 'apiVersion' && e.field !== 'kind');
      errors.push(...schemaErrors);
      if (h.errors.length > 0 || schemaErrors.length > 0) {
        const name = (doc.value as { metadata?: { name?: unknown } }).metadata?.name;
        if (h.kind === 'MCPServer' && typeof name === 'string') invalidServerNames.add(name);
        continue;
      }
      if (h.kind === 'MCPServer') {
        const value = doc.value as MCPServer;
        servers.push({ name: value.metadata.name, doc, value });
      } else if (h.kind === 'Notifier') {
        const value = doc.value as Notifier;
        notifiers.push({ name: value.metadata.name, doc, value });
      } else {
        const value = doc.value as Environment;
        environments.push({ name: value.metadata.name, doc, value });
      }
    }
  }
  errors.push(...duplicateNames(servers, 'MCPServer'), ...duplicateNames(environments, 'Environment'), ...duplicateNames(notifiers, 'Notifier'));
  cache?.sweep();
  return { servers, environments, notifiers, invalidServerNames, errors, skipped };
}
