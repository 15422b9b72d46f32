// Notices new commits in a local repository by watching its refs (never the work tree).
import { relative, sep } from 'node:path';
import { watch } from 'chokidar';

/** Stops watching; `ready` resolves once the watcher is in place (events before that may be missed). */
export type WatchHandle = (() => void) & { ready: Promise<void> };

export interface WatchRefsOptions {
  gitdir: string;
  onChange: () => void;
  onError?: (err: Error) => void;
  debounceMs?: number;
}

export function watchRefs(opts: WatchRefsOptions): WatchHandle {
  const { gitdir, onChange, onError, debounceMs = 100 } = opts;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const watcher = watch(gitdir, { ignoreInitial: true, ignored: (p: string) => !isRefPath(relative(gitdir, p)) });
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  watcher.on('all', (_event, path) => {
    if (closed || path.endsWith('.lock')) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (!closed) onChange();
    }, debounceMs);
  });
  watcher.on('error', (err) => onError?.(err instanceof Error ? err : new Error(String(err))));
  const stop = (): void => {
    if (closed) return;
    closed = true;
    clearTimeout(timer);
    watcher.close().catch((err: unknown) => onError?.(err instanceof Error ? err : new Error(String(err))));
  };
  return Object.assign(stop, { ready });
}

/** The git dir itself, HEAD, packed-refs and everything under refs/heads. */
function isRefPath(rel: string): boolean {
  const p = rel.split(sep).join('/');
  return p === '' || p === 'HEAD' || p === 'packed-refs' || p === 'refs' || p === 'refs/heads' || p.startsWith('refs/heads/');
}

/** A handle for sources that cannot be watched (remote repositories): never fires. */
export function noopWatch(): WatchHandle {
  return Object.assign(() => undefined, { ready: Promise.resolve() });
}
