// Regenerates src/spec/generated.ts from schemas/*.json so the TypeScript types cannot drift
// from the JSON Schemas. `npm test` checks the checked-in file is current (tests/spec/generated.test.ts).
import { compileFromFile } from 'json-schema-to-typescript';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export async function generate() {
  const opts = {
    bannerComment: '/* Generated from schemas/ by scripts/gen-types.mjs; do not edit. */',
    additionalProperties: false,
    strictIndexSignatures: false,
    unreachableDefinitions: false,
    format: false,
  };
  const server = await compileFromFile(`${root}schemas/mcpserver.schema.json`, { ...opts, cwd: `${root}schemas` });
  const env = await compileFromFile(`${root}schemas/environment.schema.json`, { ...opts, bannerComment: '', cwd: `${root}schemas` });
  const notifier = await compileFromFile(`${root}schemas/notifier.schema.json`, { ...opts, bannerComment: '', cwd: `${root}schemas` });
  return `${server}\n${env}\n${notifier}`;
}
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(`${root}src/spec/generated.ts`, await generate());
}
