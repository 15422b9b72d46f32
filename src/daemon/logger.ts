// pino JSON logs on stdout, with secret values and credential headers redacted.
import pino, { type Logger } from 'pino';

export function createLogger(opts: { level?: string; secrets: () => readonly string[]; destination?: pino.DestinationStream }): Logger {
  return pino({
    level: opts.level ?? 'info',
    base: { name: 'mcp-gitops' },
    redact: { paths: ['req.headers.authorization', 'req.headers["x-hub-signature-256"]', 'req.headers["x-gitlab-token"]', 'req.headers["x-gitea-signature"]', '*.token', '*.password'], censor: '***' },
    hooks: {
      // every string argument is scrubbed of known secret values before it is written
      logMethod(args, method) {
        const secrets = opts.secrets().filter((s) => s.length >= 4);
        if (secrets.length === 0) return method.apply(this, args);
        const scrub = (v: unknown): unknown => {
          if (typeof v === 'string') return secrets.reduce((acc, s) => acc.split(s).join('***'), v);
          if (v && typeof v === 'object' && !Array.isArray(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrub(x)]));
          if (Array.isArray(v)) return v.map(scrub);
          return v;
        };
        return method.apply(this, args.map(scrub) as Parameters<typeof method>);
      },
    },
  }, opts.destination);
}
