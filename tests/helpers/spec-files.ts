// Builds in-memory spec files (as a git snapshot would hand them over) for pure-core tests.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { SpecFile } from '../../src/spec/yaml-docs.js';

export function files(map: Record<string, string>): SpecFile[] {
  return Object.entries(map).map(([path, text]) => ({ path, content: new TextEncoder().encode(text) }));
}

/** Reads a directory of the work tree as repo-relative spec files (for sample-repo tests). */
export function filesFromDir(root: string, dir: string): SpecFile[] {
  const out: SpecFile[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push({ path: relative(root, p), content: readFileSync(p) });
    }
  };
  walk(join(root, dir));
  return out;
}
