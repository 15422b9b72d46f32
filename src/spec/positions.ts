// Maps a field path inside a parsed YAML document back to `line:col`, and formats field paths.
import { isMap, isSeq, isPair, isScalar, type Document, type LineCounter, type Node } from 'yaml';

export type PathSegment = string | number;

export interface Position { line: number; col: number }

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

/**
 * Position of the node at `path` (its key when `atKey`), or of the deepest existing ancestor
 * when the path does not exist (e.g. a missing required field points at its parent).
 */
export function positionOf(doc: Document, lc: LineCounter, path: readonly PathSegment[], atKey = false): Position {
  let node: unknown = doc.contents;
  let best: Node | undefined = (doc.contents ?? undefined);
  for (let i = 0; i < path.length; i++) {
    const next = child(node, path[i]);
    if (!next) break;
    const last = i === path.length - 1;
    const pick = last && atKey && next.key ? next.key : next.value ?? next.key;
    if (pick?.range) best = pick;
    node = next.value;
    if (!node) break;
  }
  const offset = best?.range?.[0] ?? 0;
  const p = lc.linePos(offset);
  return { line: p.line, col: p.col };
}
