// Branch / path arguments checked before they reach the filesystem (no `..` escapes).
import { posix } from 'node:path';
import { SourceError } from './source-error.js';

/** A subset of `git check-ref-format` rules, enough to keep a name inside refs/. */
export function isValidBranchName(name: string): boolean {
  if (!name || name.startsWith('-') || name.startsWith('/') || name.endsWith('/') || name.endsWith('.')) return false;
  if (name === '@' || name.includes('..') || name.includes('//') || name.includes('@{')) return false;
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name)) return false;
  return name.split('/').every((part) => !part.startsWith('.') && !part.endsWith('.lock'));
}

export function checkBranchName(name: string, repo: string): string {
  if (!isValidBranchName(name)) {
    throw new SourceError('INVALID_ARGUMENT', `repository ${repo}: "${name}" is not a valid branch name`, { repo });
  }
  return name;
}

/** `--path` as a repo-relative POSIX path: '.' for the root, else e.g. `specs/prod`. */
export function normalizeSourcePath(path: string | undefined, repo: string): string {
  const raw = (path ?? '.').replace(/\\/g, '/').replace(/^\/+/, '');
  const norm = posix.normalize(raw === '' ? '.' : raw).replace(/\/+$/, '');
  if (norm === '..' || norm.startsWith('../')) {
    throw new SourceError('INVALID_ARGUMENT', `repository ${repo}: path "${path}" is outside the repository`, { repo });
  }
  return norm === '' ? '.' : norm;
}
