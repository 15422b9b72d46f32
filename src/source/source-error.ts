// Typed failures of the git source. Callers branch on `code` (and `transient`), never on `message`.
import { maskCredentials } from '../render/mask.js';

export type SourceErrorCode =
  /** The repository does not exist (local path missing / not a git repo, remote 404). */
  | 'REPO_NOT_FOUND'
  /** The branch (given or default) does not exist or has no commits. */
  | 'BRANCH_NOT_FOUND'
  /** A revision (branch, tag, SHA) could not be resolved to a commit. */
  | 'REV_NOT_FOUND'
  /** `--path` does not exist (or is not a directory) in the commit. */
  | 'PATH_NOT_FOUND'
  /** The remote refused the credentials (or needs some). */
  | 'AUTH_FAILED'
  /** The remote could not be reached or failed on its side; retry with backoff. */
  | 'NETWORK'
  /** A configuration value is unusable (URL scheme, branch name, path escaping the repo). */
  | 'INVALID_ARGUMENT'
  /** Anything else git reported (corrupt object, unexpected response). */
  | 'GIT_ERROR';

const TRANSIENT_BY_DEFAULT: ReadonlySet<SourceErrorCode> = new Set(['NETWORK']);

export interface SourceErrorOptions {
  /** Repository as shown to users (never carries credentials). */
  repo: string;
  /** Overrides the code's default (only NETWORK is transient by default). */
  transient?: boolean;
  cause?: unknown;
}

export class SourceError extends Error {
  override readonly name = 'SourceError';
  readonly code: SourceErrorCode;
  /** True when retrying later may succeed without anyone changing anything. */
  readonly transient: boolean;
  readonly repo: string;

  constructor(code: SourceErrorCode, message: string, opts: SourceErrorOptions) {
    super(maskCredentials(message), opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.repo = maskCredentials(opts.repo);
    this.transient = opts.transient ?? TRANSIENT_BY_DEFAULT.has(code);
  }
}

export function isSourceError(err: unknown): err is SourceError {
  return err instanceof SourceError;
}
