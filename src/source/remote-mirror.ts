// A bare mirror of an http(s) remote under the state dir, fetched one branch at a time.
import * as fs from 'node:fs';
import git, { type AuthCallback, type HttpClient } from 'isomorphic-git';
import { toSourceError, type ErrorContext, type NotFoundMeaning } from './error-map.js';
import { advertised } from './ref-advert.js';
import type { RemoteLocation } from './repo-location.js';
import { SourceError } from './source-error.js';

export const REMOTE = 'origin';
export const TRACKING_PREFIX = `refs/remotes/${REMOTE}/`;

export interface FetchResult {
  /** The fetched commit (or tag object, when a tag was asked for). */
  oid: string;
  /** Full name of the remote's default branch, when HEAD was fetched (e.g. `refs/heads/main`). */
  defaultBranch?: string;
}

export class RemoteMirror {
  readonly gitdir: string;
  private initialized = false;
  private queue: Promise<unknown> = Promise.resolve();
  /** What each remote ref was last fetched to by this process (the mirror has those objects). */
  private readonly fetched = new Map<string, FetchResult>();

  constructor(
    private readonly loc: RemoteLocation,
    private readonly token: string | undefined,
    private readonly errors: ErrorContext,
    private readonly cache: object,
    private readonly http: HttpClient,
  ) {
    this.gitdir = loc.mirrorDir;
  }

  /**
   * Fetches one remote ref into the mirror: `HEAD` (the remote's default branch), `refs/heads/<b>`, or any
   * name the remote can resolve (a tag). Fetches are serialized: one at a time per mirror. A ref the
   * remote still advertises at what it was last fetched to is not fetched again (a poll that finds
   * nothing new is one GET); `fresh` fetches anyway (the mirror may have lost what it had).
   */
  fetch(remoteRef: string, notFound: NotFoundMeaning, fresh = false): Promise<FetchResult> {
    const run = this.queue.then(() => this.fetchNow(remoteRef, notFound, fresh));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** A fetch that failed on the mirror's side (its files, not the remote) rebuilds the mirror and tries once more. */
  private async fetchNow(remoteRef: string, notFound: NotFoundMeaning, fresh: boolean): Promise<FetchResult> {
    // only full names are matched against the advertisement: a short one (a tag or branch asked for by
    // `--rev v1.2`) would cost a GET that can never match before its fetch
    const known = fresh || !isFullRef(remoteRef) ? undefined : this.fetched.get(remoteRef);
    if (known && (await this.stillAdvertised(remoteRef, known))) return known;
    try {
      return await this.fetchOnce(remoteRef, notFound);
    } catch (err) {
      if (!isLocalDamage(err)) throw err;
      await this.rebuild().catch(() => {
        throw err;
      }); // cannot even remove it: report what failed first
      return this.fetchOnce(remoteRef, notFound);
    }
  }

  /** Everything the mirror holds is fetched again: it is a cache of the remote, nothing else lives there. */
  private async rebuild(): Promise<void> {
    this.initialized = false;
    this.fetched.clear();
    await fs.promises.rm(this.gitdir, { recursive: true, force: true });
    const cache = this.cache as Record<string | symbol, unknown>;
    for (const k of [...Object.keys(cache), ...Object.getOwnPropertySymbols(cache)]) delete cache[k]; // packfile indexes of the old files
  }

  private async fetchOnce(remoteRef: string, notFound: NotFoundMeaning): Promise<FetchResult> {
    try {
      await this.init();
      const result = await git.fetch({
        fs,
        http: this.http,
        gitdir: this.gitdir,
        cache: this.cache,
        url: this.loc.url,
        remote: REMOTE,
        remoteRef,
        ref: trackingRefFor(remoteRef),
        singleBranch: true,
        tags: false,
        onAuth: this.onAuth,
      });
      // the remote has no such ref (a deleted branch, an empty repository): named with the repository, like every other error
      if (!result.fetchHead) throw new SourceError(notFound.code, `repository ${this.loc.display}: ${notFound.message}`, { repo: this.loc.display });
      const fetched = { oid: result.fetchHead, ...(result.defaultBranch ? { defaultBranch: result.defaultBranch } : {}) };
      if (isFullRef(remoteRef)) this.fetched.set(remoteRef, fetched);
      return fetched;
    } catch (err) {
      throw toSourceError(err, this.errors, notFound);
    }
  }

  /** The remote's ref advertisement shows `remoteRef` (and its HEAD) where the last fetch left them. */
  private async stillAdvertised(remoteRef: string, known: FetchResult): Promise<boolean> {
    let refs;
    try {
      refs = await git.listServerRefs({ http: this.http, url: this.loc.url, onAuth: this.onAuth, protocolVersion: 1, symrefs: true });
    } catch (err) {
      throw toSourceError(err, this.errors);
    }
    const now = advertised(refs, remoteRef);
    return now !== undefined && now.oid === known.oid && now.defaultBranch === known.defaultBranch;
  }

  private async init(): Promise<void> {
    if (this.initialized) return;
    await fs.promises.mkdir(this.gitdir, { recursive: true });
    await git.init({ fs, gitdir: this.gitdir, bare: true });
    await git.addRemote({ fs, gitdir: this.gitdir, remote: REMOTE, url: this.loc.url, force: true });
    this.initialized = true;
  }

  private readonly onAuth: AuthCallback = () => {
    if (this.token) return { username: 'x-access-token', password: this.token };
    return this.loc.userinfo;
  };
}

/** Errors of the mirror's own files (a lost or replaced objects dir, a corrupt object or ref). */
const LOCAL_DAMAGE = new Set([
  'ENOTDIR',
  'ENOENT',
  'EISDIR',
  'EEXIST',
  'ENOTEMPTY',
  'NotFoundError',
  'ObjectTypeError',
  'InternalError',
  'InvalidOidError',
  'DecompressionError',
]);

function isLocalDamage(err: unknown): boolean {
  if (!(err instanceof SourceError) || err.code !== 'GIT_ERROR') return false;
  const code = (err.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && LOCAL_DAMAGE.has(code);
}

/** The local ref whose commit we already have (sent as a "have" so only new objects come down). */
function trackingRefFor(remoteRef: string): string {
  if (remoteRef === 'HEAD') return `${TRACKING_PREFIX}HEAD`;
  if (remoteRef.startsWith('refs/heads/')) return TRACKING_PREFIX + remoteRef.slice('refs/heads/'.length);
  return `${TRACKING_PREFIX}HEAD`;
}

/** HEAD or refs/…: the names a ref advertisement lists. */
function isFullRef(name: string): boolean {
  return name === 'HEAD' || name.startsWith('refs/');
}
