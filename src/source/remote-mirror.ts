// A bare mirror of an http(s) remote under the state dir, fetched one branch at a time.
import * as fs from 'node:fs';
import git, { type AuthCallback, type HttpClient } from 'isomorphic-git';
import { toSourceError, type ErrorContext, type NotFoundMeaning } from './error-map.js';
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

  constructor(private readonly loc: RemoteLocation, private readonly token: string | undefined,
    private readonly errors: ErrorContext, private readonly cache: object, private readonly http: HttpClient) {
    this.gitdir = loc.mirrorDir;
  }

  /**
   * Fetches one remote ref into the mirror: `HEAD` (the remote's default branch), `refs/heads/<b>`, or any
   * name the remote can resolve (a tag). Fetches are serialized: one at a time per mirror.
   */
  fetch(remoteRef: string, notFound: NotFoundMeaning): Promise<FetchResult> {
    const run = this.queue.then(() => this.fetchNow(remoteRef, notFound));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async fetchNow(remoteRef: string, notFound: NotFoundMeaning): Promise<FetchResult> {
    try {
      await this.init();
      const result = await git.fetch({
        fs, http: this.http, gitdir: this.gitdir, cache: this.cache, url: this.loc.url, remote: REMOTE,
        remoteRef, ref: trackingRefFor(remoteRef), singleBranch: true, tags: false, onAuth: this.onAuth,
      });
      if (!result.fetchHead) throw new SourceError(notFound.code, notFound.message, { repo: this.loc.display });
      return { oid: result.fetchHead, ...(result.defaultBranch ? { defaultBranch: result.defaultBranch } : {}) };
    } catch (err) {
      throw toSourceError(err, this.errors, notFound);
    }
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

/** The local ref whose commit we already have (sent as a "have" so only new objects come down). */
function trackingRefFor(remoteRef: string): string {
  if (remoteRef === 'HEAD') return `${TRACKING_PREFIX}HEAD`;
  if (remoteRef.startsWith('refs/heads/')) return TRACKING_PREFIX + remoteRef.slice('refs/heads/'.length);
  return `${TRACKING_PREFIX}HEAD`;
}
