// The one place secret values are masked. Every output (logs, /status, /events, /metrics, CLI
// output, error messages, state.json) masks through a Masker; see docs/reference/spec.md#secrets.
import { MASK } from '../spec/desired.js';

export { MASK };

/**
 * Values shorter than this are masked where templates use them (the display twin), but not searched
 * for in other text: masking "ab" out of every log line would mangle it beyond use.
 */
export const MIN_MASKED_LENGTH = 4;

const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/?#\s@]*@/gi;

/**
 * Hides every known secret value in text. Every character inside any occurrence of any value is
 * hidden, and each run of hidden characters becomes one `***`, so the order values were learned in
 * does not matter: with `abcd` and `abcdefgh`, `token=abcdefgh` is `token=***`.
 */
export class Masker {
  private values: string[] = [];

  constructor(values: Iterable<string> = []) {
    this.add(values);
  }

  /** Learns more values (those shorter than MIN_MASKED_LENGTH are ignored). */
  add(values: Iterable<string>): void {
    const known = new Set(this.values);
    let changed = false;
    for (const v of values) {
      if (v.length < MIN_MASKED_LENGTH || known.has(v)) continue;
      known.add(v);
      changed = true;
    }
    if (changed) this.values = [...known].sort((a, b) => b.length - a.length);
  }

  get size(): number {
    return this.values.length;
  }

  text(s: string): string {
    if (this.values.length === 0 || s.length < MIN_MASKED_LENGTH) return s;
    const spans: [number, number][] = [];
    for (const v of this.values) {
      for (let at = s.indexOf(v); at !== -1; at = s.indexOf(v, at + 1)) spans.push([at, at + v.length]);
    }
    if (spans.length === 0) return s;
    spans.sort((a, b) => a[0] - b[0]);
    let out = '';
    let done = 0;
    let [start, end] = spans[0];
    for (const [a, b] of spans.slice(1)) {
      if (a <= end) {
        end = Math.max(end, b);
        continue;
      }
      out += s.slice(done, start) + MASK;
      done = end;
      [start, end] = [a, b];
    }
    return out + s.slice(done, start) + MASK + s.slice(end);
  }

  /**
   * A copy of `v` with every string masked: plain objects and arrays are walked (cycles cut), errors
   * become `{ message, code }`, other class instances are returned as they are. Values under a key
   * in `keep` (ids, commits, hashes) are left alone so a short secret cannot corrupt them.
   */
  deep<T>(v: T, keep: ReadonlySet<string> = NO_KEYS): T {
    if (this.values.length === 0) return v;
    const seen = new WeakSet<object>();
    const walk = (x: unknown): unknown => {
      if (typeof x === 'string') return this.text(x);
      if (!x || typeof x !== 'object') return x;
      if (seen.has(x)) return '[circular]';
      seen.add(x);
      if (x instanceof Error) {
        const code = (x as { code?: unknown }).code;
        return { message: this.text(x.message), ...(typeof code === 'string' && { code }) };
      }
      if (Array.isArray(x)) return x.map(walk);
      if (!isPlain(x)) return x;
      return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, keep.has(k) ? y : walk(y)]));
    };
    return walk(v) as T;
  }
}

const NO_KEYS: ReadonlySet<string> = new Set();

/**
 * Fields of state.json, /status and events that identify or date things and never hold templated
 * text: `deep(v, IDENTITY_KEYS)` leaves them alone, so a short secret such as `2026` or `beef`
 * cannot corrupt a commit, a spec hash or a timestamp (the daemon compares those).
 */
export const IDENTITY_KEYS: ReadonlySet<string> = new Set([
  'commit',
  'head',
  'applied',
  'lastGood',
  'specHash',
  'id',
  'syncId',
  'instanceId',
  'name',
  'server',
  'endpoint',
  'at',
  'startedAt',
  'finishedAt',
  'deployedAt',
  'lastCheckedAt',
  'schemaVersion',
  'type',
  'result',
  'phase',
  'health',
]);

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** One-shot masking of `text` with `values`. */
export function maskText(text: string, values: Iterable<string>): string {
  return new Masker(values).text(text);
}

/** Removes `user:pass@` from every URL in `text`, then masks `values` (for git URLs and tokens). */
export function maskCredentials(text: string, values: readonly (string | undefined)[] = []): string {
  return maskText(
    text.replace(URL_USERINFO, '$1'),
    values.filter((v): v is string => v !== undefined),
  );
}

const MAX_PARTS = 32;

/**
 * The pieces of a rendered string that came from secrets, found by lining the real rendering up
 * with its masked twin (the same template with every secret read as `***`). Whatever a filter did
 * to the secret (upper, urlencode, a slice of it), the piece the real text holds in place of `***`
 * is secret. When the two cannot be lined up (a filter rewrote `***` itself), the whole real string
 * counts as secret.
 */
export function secretPieces(real: string, masked: string): string[] {
  if (real === masked) return [];
  const parts = masked.split(MASK);
  if (parts.length < 2 || parts.length > MAX_PARTS) return [real];
  const re = new RegExp(`^${parts.map(escapeRegExp).join('([\\s\\S]*?)')}$`);
  const m = re.exec(real);
  if (!m) return [real];
  return m.slice(1).filter((p) => p.length > 0);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
