// pino JSON logs on stdout, with secret values and credential headers masked.
import pino, { type Logger } from 'pino';
import type { Masker } from '../render/mask.js';

const REDACT = [
  'req.headers.authorization',
  'req.headers["x-hub-signature-256"]',
  'req.headers["x-gitlab-token"]',
  'req.headers["x-gitea-signature"]',
  'req.headers["x-forgejo-signature"]',
  '*.token',
  '*.password',
];

/**
 * `mask` holds every secret value known so far (it learns more as specs render): every logged
 * argument goes through it, so strings, plain objects, arrays and errors carry no secret value;
 * other class instances (sockets, requests) are left to pino's own serializers untouched.
 */
export function createLogger(opts: { level?: string; mask: Masker; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      base: { name: 'mcp-gitops' },
      redact: { paths: REDACT, censor: '***' },
      hooks: {
        logMethod(args, method) {
          if (opts.mask.size === 0) return method.apply(this, args);
          return method.apply(this, args.map((a) => opts.mask.deep(a)) as Parameters<typeof method>);
        },
      },
    },
    opts.destination,
  );
}
