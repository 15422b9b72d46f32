// One client value -> the text of a spec field. Interpolations become templates: `${input:id}` (VS
// Code) and `${env:NAME}` / `${NAME}` (Cursor, VS Code, MCPHub) read secrets (a secret falls back
// to the daemon's environment variable of the same name, as the client read its own). Literal text
// that looks like template syntax is kept literal. A literal value under a secret-looking name
// (KEY, TOKEN, SECRET, PASSWORD, AUTH) becomes a secret of its own: its value never reaches the spec.
import { looksSecret } from '../spec/secret-names.js';
import type { ImportFormat, ImportNote, ImportedSecret } from './model.js';
import { inputSecretName, secretName } from './names.js';

export interface ValueContext {
  format: ImportFormat;
  /** The server's spec name (literal secrets are named `<server>_<key>`). */
  server: string;
  /** JSON path of the value in the client file. */
  at: string;
  secrets: Map<string, ImportedSecret>;
  notes: ImportNote[];
}

const INTERPOLATION = /\$\{([^}]*)\}/g;
/** `Bearer xyz`: the scheme stays readable in the spec, the credential goes to a secret. */
const AUTH_SCHEME = /^(Bearer|Basic|Token|Bot)\s+(\S.*)$/i;

function literal(text: string): string {
  return /\{[{%#]/.test(text) ? `{% raw %}${text}{% endraw %}` : text;
}

function secretRef(ctx: ValueContext, name: string, from: string, value?: string): string {
  const known = ctx.secrets.get(name);
  if (!known) ctx.secrets.set(name, { name, from, ...(value !== undefined && { value }) });
  else if (value !== undefined && known.value !== undefined && known.value !== value)
    ctx.notes.push({ at: ctx.at, message: `two different values for secret "${name}": the first one (from ${known.from}) is kept` });
  return `{{ secrets.${name} }}`;
}

/** The template for one interpolation, or null when it stays as written. */
function interpolation(ctx: ValueContext, inner: string): string | null {
  const input = /^input:(.+)$/.exec(inner);
  if (input && ctx.format === 'vscode') return secretRef(ctx, inputSecretName(input[1]), `inputs.${input[1]}`);
  const env = /^env:([A-Za-z_][A-Za-z0-9_]*)$/.exec(inner) ?? (ctx.format === 'mcphub' ? /^([A-Za-z_][A-Za-z0-9_]*)$/.exec(inner) : null);
  if (env) return secretRef(ctx, env[1], `the environment variable ${env[1]} (${ctx.at})`);
  return null;
}

/** `key`: the env or header name the value is under (decides whether a literal is secret). */
export function convertValue(value: string, ctx: ValueContext, key?: string): string {
  const matches = [...value.matchAll(INTERPOLATION)];
  if (matches.length === 0) {
    if (key !== undefined && looksSecret(key) && value !== '') {
      const name = secretName(ctx.server, key).toLowerCase();
      const scheme = AUTH_SCHEME.exec(value);
      if (scheme) return `${scheme[1]} ${secretRef(ctx, name, ctx.at, scheme[2])}`;
      return secretRef(ctx, name, ctx.at, value);
    }
    return literal(value);
  }
  let out = '';
  let done = 0;
  for (const m of matches) {
    const at = m.index;
    out += literal(value.slice(done, at));
    const t = interpolation(ctx, m[1]);
    if (t === null) {
      ctx.notes.push({ at: ctx.at, message: `${m[0]} is a variable of the client with no equivalent here: kept as written` });
      out += literal(m[0]);
    } else out += t;
    done = at + m[0].length;
  }
  return out + literal(value.slice(done));
}
