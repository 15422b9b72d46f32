// Prints, one per line, the package folders (relative to the project root) that the given packages
// need at run time: themselves plus their dependency closure, resolved as Node resolves them
// (nearest node_modules first, then the parents'). Used to build the Docker test image.
// Usage: node scripts/docker-test-image-files.mjs <package> [<package> ...]
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');

function findPackage(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root || dir === dirname(dir)) return null;
  }
}

const seen = new Set();
const queue = process.argv.slice(2).map((name) => ({ name, from: root, optional: false }));
while (queue.length > 0) {
  const { name, from, optional } = queue.shift();
  const dir = findPackage(name, from);
  if (!dir) {
    if (optional) continue;
    console.error(`cannot resolve ${name} from ${relative(root, from) || '.'}`);
    process.exit(1);
  }
  if (seen.has(dir)) continue;
  seen.add(dir);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  for (const dep of Object.keys(pkg.dependencies ?? {})) queue.push({ name: dep, from: dir, optional: false });
  for (const dep of Object.keys({ ...pkg.optionalDependencies, ...pkg.peerDependencies })) queue.push({ name: dep, from: dir, optional: true });
}
// A package folder inside another one (nested node_modules) travels with its parent already.
const inside = (dir) => [...seen].some((other) => other !== dir && dir.startsWith(`${other}/`));
for (const dir of [...seen].filter((d) => !inside(d)).sort()) console.log(relative(root, dir));
