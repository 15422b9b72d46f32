// The YAML files of the previous compile, by path and exact content: a commit that changes one spec
// of a thousand parses one file again (parsing is most of a compile). An entry keeps each
// document's plain value; its YAML tree, needed only to place an error, is parsed again on first
// use, so an entry costs about the file's own size rather than the tree's ten times that.
import { parseYamlFile, type SpecFile, type YamlDoc } from './yaml-docs.js';
import type { SpecError } from './spec-error.js';

export interface ParsedFile {
  docs: YamlDoc[];
  errors: SpecError[];
}

export interface ParseCache {
  parse(file: SpecFile): ParsedFile;
  /** Forgets every file not parsed since the last call (the previous snapshot's leftovers). */
  sweep(): void;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.byteLength !== b.byteLength) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/**
 * A document whose tree is parsed from the file again when something asks for a position. The
 * closures below must not see `d`: a closure keeps its whole scope, and `d` holds the tree.
 */
function lean(d: YamlDoc, file: SpecFile): YamlDoc {
  const index = d.index;
  let full: YamlDoc | undefined;
  const tree = (): YamlDoc => (full ??= parseYamlFile(file).docs.find((x) => x.index === index)!);
  return {
    file: d.file,
    index,
    // a copy of its own: the parser's strings are slices of the file's text and chains of
    // concatenated pieces (tens of thousands for 500 files), which would keep all of those alive
    value: structuredClone(d.value),
    nameLine: d.nameLine,
    get doc() {
      return tree().doc;
    },
    get lc() {
      return tree().lc;
    },
  };
}

export function createParseCache(): ParseCache {
  const entries = new Map<string, { content: Uint8Array; parsed: ParsedFile }>();
  let used = new Set<string>();
  return {
    parse(file) {
      used.add(file.path);
      const hit = entries.get(file.path);
      if (hit && sameBytes(hit.content, file.content)) return hit.parsed;
      const parsed = parseYamlFile(file);
      // a file with errors is parsed again each time: it is rare, and its errors need the tree
      if (parsed.errors.length > 0) entries.delete(file.path);
      else {
        const content = file.content.slice();
        const kept = { path: file.path, content, ...(file.executable !== undefined && { executable: file.executable }) };
        entries.set(file.path, { content, parsed: { docs: parsed.docs.map((d) => lean(d, kept)), errors: [] } });
      }
      return parsed;
    },
    sweep() {
      for (const path of entries.keys()) if (!used.has(path)) entries.delete(path);
      used = new Set();
    },
  };
}
