// pino JSON logs on stdout, with secret values and credential headers redacted.
import pino, { type Logger } from 'pino';

const REDACT = [
  'req.headers.authorization', 'req.headers["x-hub-signature-256"]', 'req.headers["x-gitlab-token"]',
  'req.headers["x-gitea-signature"]', 'req.headers["x-forgejo-signature"]', '*.token', '*.password',
];

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * A copy of a log argument with every known secret value replaced by `***`: strings, plain objects
 * and arrays are walked (once each: cycles are cut), errors become `{ message, code }`, and other
 * class instances (sockets, requests) are left to pino's own serializers untouched.
 */
export function scrubber(secrets: readonly string[]): (v: unknown) => unknown {
  const text = (s: string): string => secrets.reduce((acc, x) => acc.split(x).join('***'), s);
  return (root) => {
    const seen = new WeakSet<object>();
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') return text(v);
      if (!v || typeof v !== 'object') return v;
      if (seen.has(v)) return '[circular]';
      seen.add(v);
      if (v instanceof Error) {
        const code = (v as { code?: unknown }).code;
        return { message: text(v.message), ...(typeof code === 'string' && { code }) };
      }
      if (Array.isArray(v)) return v.map(walk);
      if (!isPlain(v)) return v;
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    };
    return walk(root);
  };
}

export function createLogger(opts: { level?: string; secrets: () => readonly string[]; destination?: pino.DestinationStream }): Logger {
  return pino({
    level: opts.level ?? 'info',
    base: { name: 'mcp-gitops' },
    redact: { paths: REDACT, censor: '***' },
    hooks: {
      // every argument is scrubbed of known secret values before it is written
      logMethod(args, method) {
        const secrets = opts.secrets().filter((s) => s.length >= 4);
        if (secrets.length === 0) return method.apply(this, args);
        const scrub = scrubber(secrets);
        return method.apply(this, args.map(scrub) as Parameters<typeof method>);
      },
    },
  }, opts.destination);
}
