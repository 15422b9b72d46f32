// A small real file system for fault injection: a tmpfs mounted by the test (needs root and the
// mount syscall; `tmpfsSkip` says why not otherwise), filled with dd, remounted read-only, unmounted.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Why tmpfs tests cannot run here, or undefined when they can. */
export const tmpfsSkip: string | undefined = (() => {
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  const probe = mkdtempSync(join(tmpdir(), 'mcp-gitops-tmpfs-probe-'));
  try {
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { encoding: 'utf8' });
    if (r.status !== 0) return `mount -t tmpfs failed: ${(r.stderr || r.error?.message || '').trim()}`;
    spawnSync('umount', [probe]);
    return undefined;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
})();

export class Tmpfs {
  private mounted = false;
  private constructor(readonly dir: string) {}

  /** Mounts a tmpfs of `size` (e.g. '512k') on `dir` (created if missing). */
  static mount(dir: string, size: string): Tmpfs {
    mkdirSync(dir, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir]);
    const t = new Tmpfs(dir);
    t.mounted = true;
    return t;
  }

  /** Fills every free byte with one file (dd stops at ENOSPC); `free()` removes it. */
  fill(): void {
    spawnSync('dd', ['if=/dev/zero', `of=${this.fillPath}`, 'bs=4k'], { stdio: 'ignore' });
    // whatever dd could not place in whole blocks: byte by byte
    spawnSync('dd', ['if=/dev/zero', `of=${this.fillPath}`, 'bs=1', 'oflag=append', 'conv=notrunc'], { stdio: 'ignore' });
  }

  free(): void {
    rmSync(this.fillPath, { force: true });
  }

  /** Bytes still free. */
  available(): number {
    const out = execFileSync('df', ['-B1', '--output=avail', this.dir], { encoding: 'utf8' });
    return Number(out.trim().split('\n')[1]);
  }

  /**
   * Remounts read-only or read-write. Linux refuses `ro` (EBUSY) while a file on it is open for
   * writing: the daemon opens a server's log only for each batch it appends, so a retry soon finds
   * a moment without one (as an operator's retry would).
   */
  readOnly(on: boolean): void {
    for (let attempt = 1; ; attempt++) {
      const r = spawnSync('mount', ['-o', `remount,${on ? 'ro' : 'rw'}`, this.dir], { encoding: 'utf8' });
      if (r.status === 0) return;
      if (attempt >= 100) throw new Error(`mount -o remount,${on ? 'ro' : 'rw'} ${this.dir} failed: ${r.stderr.trim()}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }

  /** Unmounts (lazily, so a file the daemon still holds open cannot keep it busy); idempotent. */
  unmount(): void {
    if (!this.mounted) return;
    this.mounted = false;
    spawnSync('umount', ['-l', this.dir]);
  }

  private get fillPath(): string {
    return join(this.dir, 'fill.bin');
  }
}
