// The bench runs compiled test helpers from dist-bench/, and those find the repository's files
// (node_modules, tests/fixtures, the CLI in dist/src) relative to their own location. These links
// make dist-bench/ look like the repository root to them; the CLI they spawn is the bench's build.
import { lstatSync, mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';

const LINKS: [at: string, target: string][] = [
  ['node_modules', '../node_modules'],
  ['tests/fixtures', '../../tests/fixtures'],
  ['dist/src', '../src'],
];

function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** `benchRoot` is dist-bench/; idempotent. */
export function linkRepoPaths(benchRoot: string): void {
  for (const [at, target] of LINKS) {
    const p = join(benchRoot, at);
    if (exists(p)) continue;
    mkdirSync(dirname(p), { recursive: true });
    symlinkSync(target, p, 'dir');
  }
}
