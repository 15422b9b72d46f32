// Paths a spec may name (cwd): relative, and staying inside the repository path.

export const CWD_ESCAPE_MESSAGE = 'must be a relative path inside the repository path (no leading "/" or "..")';

/** True for absolute paths (POSIX, Windows drive or UNC) and for `..` climbing above the start. */
export function escapesRoot(p: string): boolean {
  if (p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\')) return true;
  let depth = 0;
  for (const part of p.split(/[\\/]+/)) {
    if (part === '..') depth--;
    else if (part !== '.' && part !== '') depth++;
    if (depth < 0) return true;
  }
  return false;
}
