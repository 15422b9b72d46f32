// Maps a field path inside a parsed YAML document back to `line:col`, and formats field paths.
import { isMap, isSeq, isPair, isScalar, type Document, type LineCounter, type Node } from 'yaml';

export type PathSegment = string | number;

export interface Position {
  line: number;
  col: number;
}

/** `spec.args[0]`, `metadata.labels["app.kubernetes.io/name"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out === '' ? '-' : out;
}

function child(node: unknown, seg: PathSegment): { key?: Node; value?: Node } | undefined {
  if (isMap(node)) {
    for (const item of node.items) {
      if (isPair(item) && isScalar(item.key) && String(item.key.value) === String(seg)) {
        return { key: item.key, value: (item.value ?? undefined) as Node | undefined };
      }
    }
    return undefined;
  }
  if (isSeq(node) && typeof seg === 'number') {
    const v = node.items[seg];
    return v === undefined ? undefined : { value: v as Node };
  }
  return undefined;
}

/** The YAML node at `path`, if it exists. */
export function nodeAt(doc: Document, path: readonly PathSegment[]): Node | undefined {
  let node: unknown = doc.contents;
  for (const seg of path) {
    node = child(node, seg)?.value;
    if (!node) return undefined;
  }
  return node as Node;
}

/**
 * Position of the node at `path` (its key when `atKey`). When the path does not exist (a missing
 * required field, a default that was never written), the key of the deepest existing ancestor:
 * `spec:` for a missing `spec.version`, the item for a missing field of a list item.
 */
export function positionOf(doc: Document, lc: LineCounter, path: readonly PathSegment[], atKey = false): Position {
  let node: unknown = doc.contents;
  let target: Node | undefined = doc.contents ?? undefined;
  let targetKey: Node | undefined;
  for (let i = 0; i < path.length; i++) {
    const next = child(node, path[i]);
    if (!next) {
      if (targetKey?.range) target = targetKey;
      break;
    }
    const last = i === path.length - 1;
    // `spec:` with nothing after it is an empty null scalar: point at the key, not past it.
    const empty = isScalar(next.value) && next.value.value === null && next.value.range?.[0] === next.value.range?.[1];
    const pick = (last && atKey) || empty ? (next.key ?? next.value) : (next.value ?? next.key);
    if (pick?.range) {
      target = pick;
      targetKey = next.key;
    }
    node = next.value;
  }
  const offset = target?.range?.[0] ?? 0;
  const p = lc.linePos(offset);
  return { line: p.line, col: p.col };
}
