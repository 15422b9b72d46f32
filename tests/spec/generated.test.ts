// src/spec/generated.ts must be what scripts/gen-types.mjs makes of schemas/ today.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const script = new URL('../../scripts/gen-types.mjs', import.meta.url);
const generatedFile = new URL('../../src/spec/generated.ts', import.meta.url);

describe('generated types', () => {
  it('src/spec/generated.ts is up to date with schemas/ (run `node scripts/gen-types.mjs`)', async () => {
    const { generate } = (await import(script.href)) as { generate: () => Promise<string> };
    const fresh = await generate();
    expect(fresh).toContain('export interface MCPServer');
    expect(fresh).toContain('export interface Environment');
    expect(readFileSync(generatedFile, 'utf8')).toBe(fresh);
  });
});
