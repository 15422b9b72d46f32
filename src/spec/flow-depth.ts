// A lexical pre-check of YAML flow nesting (`[[[...` / `{a: {b: ...`), before the parser sees the
// text: the parser recurses per level, so thousands of levels exhaust its stack at a depth (and so a
// reported position) that depends on the caller. Block nesting needs indentation, so a file under the
// size limit cannot nest deep enough to matter there; tooDeep() in yaml-docs checks it after parsing.

/** Can a flow collection or a quoted scalar start after this character (ignoring spaces)? */
function valueStart(prev: string | undefined, depth: number): boolean {
  if (prev === undefined || prev === '\n' || prev === ':' || prev === '-' || prev === '?') return true;
  return depth > 0 && (prev === '[' || prev === '{' || prev === ',');
}

/** Offset of the first `[` or `{` that opens a flow level deeper than `max`, or undefined. */
export function flowTooDeep(text: string, max: number): number | undefined {
  let depth = 0;
  let prev: string | undefined; // last non-space character outside scalars
  let propBefore = false; // the previous token was an anchor (&x) or a tag (!t)
  let tokenFirst: string | undefined; // first character of the current space-separated token
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') {
      if (tokenFirst !== undefined) propBefore = tokenFirst === '&' || tokenFirst === '!';
      tokenFirst = undefined;
      if (ch === '\n') {
        prev = '\n';
        propBefore = false;
      }
      continue;
    }
    const startsToken = tokenFirst === undefined;
    tokenFirst ??= ch;
    if (ch === '#' && startsToken) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
      continue;
    }
    const atValue = valueStart(prev, depth) || (startsToken && propBefore);
    if ((ch === '"' || ch === "'") && atValue) {
      i = skipQuoted(text, i);
      prev = ch;
      continue;
    }
    if ((ch === '[' || ch === '{') && (depth > 0 || atValue)) {
      if (++depth > max) return i;
    } else if ((ch === ']' || ch === '}') && depth > 0) {
      depth--;
    }
    prev = ch;
  }
  return undefined;
}

/** Index of the closing quote of the scalar opened at `start` (or the end of the text). */
function skipQuoted(text: string, start: number): number {
  const q = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (q === '"' && text[i] === '\\') {
      i++;
      continue;
    }
    if (text[i] !== q) continue;
    if (q === "'" && text[i + 1] === "'") {
      i++;
      continue;
    }
    return i;
  }
  return text.length;
}
