// Where the spec repository lives: a local directory, or an http(s) remote mirrored under the state dir.
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SourceError } from './source-error.js';

export interface LocalLocation {
  kind: 'local';
  /** Absolute path as given (work tree or bare repository). */
  dir: string;
  /** Shown in messages. */
  display: string;
}

export interface RemoteLocation {
  kind: 'remote';
  /** URL without userinfo: what is stored in the mirror's config and shown in messages. */
  url: string;
  display: string;
  /** Credentials that were embedded in the URL, if any (used only in onAuth). */
  userinfo?: { username: string; password: string };
  /** The local bare mirror: `<stateDir>/git/<host-path>-<hash>`. */
  mirrorDir: string;
}

export type RepoLocation = LocalLocation | RemoteLocation;

export function parseRepoLocation(repo: string, stateDir: string): RepoLocation {
  if (/^https?:\/\//i.test(repo)) return parseRemote(repo, stateDir);
  if (/^file:\/\//i.test(repo)) return local(fileURLToPath(repo));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(repo) || /^[^/\\]+@[^/\\]+:/.test(repo)) {
    throw new SourceError('INVALID_ARGUMENT', `repository ${repo}: unsupported location (use a local path or an https:// URL)`, { repo });
  }
  return local(resolve(repo));
}

function local(dir: string): LocalLocation {
  return { kind: 'local', dir, display: dir };
}

function parseRemote(repo: string, stateDir: string): RemoteLocation {
  let url: URL;
  try {
    url = new URL(repo);
  } catch (err) {
    throw new SourceError('INVALID_ARGUMENT', `repository ${repo}: not a valid URL`, { repo, cause: err });
  }
  const userinfo = url.username || url.password ? { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) } : undefined;
  url.username = '';
  url.password = '';
  url.hash = '';
  const clean = url.toString().replace(/\/+$/, '');
  return {
    kind: 'remote',
    url: clean,
    display: clean,
    ...(userinfo ? { userinfo } : {}),
    mirrorDir: join(stateDir, 'git', mirrorName(url, clean)),
  };
}

/** A readable, filesystem-safe directory name that is unique per URL. */
function mirrorName(url: URL, clean: string): string {
  const slug = `${url.host}${url.pathname}`
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 60);
  const hash = createHash('sha256').update(clean).digest('hex').slice(0, 16);
  return `${slug}-${hash}`;
}
