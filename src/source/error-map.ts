// Turns isomorphic-git and Node errors into SourceErrors that say what failed, without secrets.
import { Errors } from 'isomorphic-git';
import { maskCredentials } from '../render/mask.js';
import { SourceError, type SourceErrorCode } from './source-error.js';

export interface ErrorContext {
  /** Repository as shown to users. */
  repo: string;
  /** Values that must never appear in a message (the token, URL passwords). */
  secrets: readonly (string | undefined)[];
  /** Whether credentials were configured (changes the AUTH_FAILED hint). */
  authConfigured: boolean;
}

/** What a NotFoundError means for the operation at hand (`branch "x" not found`, ...). */
export interface NotFoundMeaning {
  code: SourceErrorCode;
  message: string;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The machine, not the repository: out of descriptors, memory or space, or refusing the mirror's
 *  files. Transient: the fetch or read succeeds again once the machine is right. */
const MACHINE_CODES = new Set(['EMFILE', 'ENFILE', 'ENOMEM', 'ENOSPC', 'EDQUOT', 'EROFS', 'EIO', 'EACCES', 'EPERM', 'EAGAIN', 'EBUSY']);

export function toSourceError(err: unknown, ctx: ErrorContext, notFound?: NotFoundMeaning): SourceError {
  if (err instanceof SourceError) return err;
  const code = errorCode(err);
  const cause = sanitizedCause(err, ctx);
  const fail = (c: SourceErrorCode, what: string, transient?: boolean): SourceError =>
    new SourceError(c, maskCredentials(`repository ${ctx.repo}: ${what}`, ctx.secrets), {
      repo: ctx.repo,
      cause,
      ...(transient === undefined ? {} : { transient }),
    });

  if (code === Errors.HttpError.code) return fromHttpStatus(httpStatus(err), fail, ctx);
  if (code === Errors.SmartHttpError.code) {
    return fail('REPO_NOT_FOUND', 'the server did not answer as a git smart-HTTP remote (is the URL right?)');
  }
  if (code === Errors.UserCanceledError.code) return fail('AUTH_FAILED', authHint(ctx));
  if (code && NETWORK_CODES.has(code)) return fail('NETWORK', `unreachable (${code})`);
  if (code && /CERT|SSL|TLS/.test(code)) return fail('NETWORK', `TLS failure (${code})`, false);
  if (code && MACHINE_CODES.has(code)) return fail('GIT_ERROR', `git failed: ${messageOf(err)}`, true);
  if (notFound && code === Errors.NotFoundError.code) return fail(notFound.code, notFound.message);
  return fail('GIT_ERROR', `git failed: ${messageOf(err)}`);
}

function fromHttpStatus(status: number, fail: (c: SourceErrorCode, what: string, transient?: boolean) => SourceError, ctx: ErrorContext): SourceError {
  if (status === 401 || status === 403 || status === 203) return fail('AUTH_FAILED', authHint(ctx));
  if (status === 404 || status === 410) return fail('REPO_NOT_FOUND', `not found (HTTP ${status})`);
  if (status === 408 || status === 429 || status >= 500) return fail('NETWORK', `server error (HTTP ${status})`);
  return fail('GIT_ERROR', `unexpected HTTP ${status}`);
}

function authHint(ctx: ErrorContext): string {
  return ctx.authConfigured ? 'authentication refused (check MCP_GITOPS_GIT_TOKEN)' : 'authentication required (set MCP_GITOPS_GIT_TOKEN)';
}

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function httpStatus(err: unknown): number {
  const status = (err as { data?: { statusCode?: unknown } }).data?.statusCode;
  return typeof status === 'number' ? status : 0;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The original error, reduced to a redacted message and its code (no response bodies or headers). */
function sanitizedCause(err: unknown, ctx: ErrorContext): Error {
  const cause = new Error(maskCredentials(messageOf(err), ctx.secrets));
  const code = errorCode(err);
  const syscall = (err as { syscall?: unknown } | null)?.syscall;
  if (code) Object.assign(cause, { code });
  if (typeof syscall === 'string') Object.assign(cause, { syscall }); // errno and where: classified as the machine's
  return cause;
}
