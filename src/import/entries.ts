// Reading the server entries every supported format shares (`command`/`args`/`env`, `url`/`headers`,
// `type`): each format says which keys it knows; any other key is reported, with its path.
import type { ClientServer, ImportNote } from './model.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function isObject(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Keys that map onto the spec; a format adds those it knows and ignores on purpose. */
const MAPPED = ['command', 'args', 'env', 'url', 'headers', 'type', 'cwd'] as const;

/** Why `envFile` (Cursor, VS Code) is not imported. */
export const ENV_FILE = 'a file on the client machine; put its values into secrets (--secrets-dir) and reference them from env';

export interface EntryFormat {
  /** Keys this format defines that the spec has no use for: reported as not imported, with why. */
  ignored: Record<string, string>;
  /** How this format switches a server off: `disabled: true` or `enabled: false`. */
  onOff?: 'disabled' | 'enabled';
}

function strings(v: Json | undefined, at: string, notes: ImportNote[]): string[] | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean')) return v.map(String);
  notes.push({ at, message: 'not a list of strings: not imported' });
  return undefined;
}

function stringMap(v: Json | undefined, at: string, notes: ImportNote[]): Record<string, string> | undefined {
  if (v === undefined) return undefined;
  if (!isObject(v)) {
    notes.push({ at, message: 'not an object of strings: not imported' });
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') out[k] = String(x);
    else notes.push({ at: `${at}.${k}`, message: 'not a string: not imported' });
  }
  return out;
}

function str(v: Json | undefined, at: string, notes: ImportNote[]): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  notes.push({ at, message: 'not a string: not imported' });
  return undefined;
}

/** Every entry of a `{ name: { ...server } }` map. */
export function readEntries(map: Json | undefined, at: string, format: EntryFormat, notes: ImportNote[]): ClientServer[] {
  if (map === undefined) return [];
  if (!isObject(map)) {
    notes.push({ at, message: 'not an object of servers: nothing imported from it' });
    return [];
  }
  const out: ClientServer[] = [];
  for (const [key, raw] of Object.entries(map)) {
    const here = `${at}.${key}`;
    if (!isObject(raw)) {
      notes.push({ at: here, message: 'not an object: server not imported' });
      continue;
    }
    const s: ClientServer = { key };
    const command = str(raw.command, `${here}.command`, notes);
    const args = strings(raw.args, `${here}.args`, notes);
    const env = stringMap(raw.env, `${here}.env`, notes);
    const url = str(raw.url, `${here}.url`, notes);
    const headers = stringMap(raw.headers, `${here}.headers`, notes);
    const type = str(raw.type, `${here}.type`, notes);
    const cwd = str(raw.cwd, `${here}.cwd`, notes);
    Object.assign(s, {
      ...(command !== undefined && { command }),
      ...(args !== undefined && { args }),
      ...(env !== undefined && { env }),
      ...(url !== undefined && { url }),
      ...(headers !== undefined && { headers }),
      ...(type !== undefined && { type }),
      ...(cwd !== undefined && { cwd }),
    });
    for (const [k, v] of Object.entries(raw)) {
      if ((MAPPED as readonly string[]).includes(k)) continue;
      if (format.onOff === k && typeof v === 'boolean') {
        s.enabled = k === 'enabled' ? v : !v;
        continue;
      }
      const why = format.ignored[k];
      notes.push({ at: `${here}.${k}`, message: why !== undefined ? `not imported: ${why}` : 'unknown key: not imported' });
    }
    out.push(s);
  }
  return out;
}

/** Top-level keys besides the servers: reported (known ones with why they are left out). */
export function otherTopLevel(doc: Record<string, Json>, used: readonly string[], known: Record<string, string>, notes: ImportNote[]): void {
  for (const k of Object.keys(doc)) {
    if (used.includes(k)) continue;
    notes.push({ at: k, message: known[k] !== undefined ? `not imported: ${known[k]}` : 'unknown key: not imported' });
  }
}
