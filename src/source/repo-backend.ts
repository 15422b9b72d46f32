// What differs between a local repository and a remote mirror, behind one shape GitSource uses.
import type { ErrorContext } from './error-map.js';
import type { RevResult } from './resolve-rev.js';

export interface BackendContext {
  /** Repository as shown in messages. */
  repo: string;
  /** Branch given by the user, already validated; undefined = the repository's default. */
  branch: string | undefined;
  errors: ErrorContext;
  /** isomorphic-git object cache shared by every read of this source. */
  cache: object;
}

export interface RepoBackend {
  /** The git directory holding the objects (local .git / bare dir, or the mirror). */
  gitdir(): Promise<string>;
  /** Full SHA at the followed branch's head (remote: fetched now). Throws SourceError. */
  head(): Promise<string>;
  /** Short name of the followed branch; null for a detached local HEAD. */
  branchName(): Promise<string | null>;
  resolve(rev: string): Promise<RevResult>;
  /** Called before reading a commit that is not in the object database (remote: fetch). */
  refresh(): Promise<void>;
}
