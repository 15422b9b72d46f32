import { describe, expect, it } from 'vitest';
import { createCompiler } from '../../src/render/desired-state.js';
import { staticSecrets } from '../../src/render/secrets.js';
import { filesFromDir } from '../helpers/spec-files.js';

const root = new URL('../..', import.meta.url).pathname;

describe('sample-repo', () => {
  const compiler = createCompiler();
  const input = { files: filesFromDir(root, 'sample-repo'), basePath: 'sample-repo' };

  it('validates and renders for dev with its secret, in dependency order', () => {
    const out = compiler.compile(input, { environment: 'dev', secrets: staticSecrets({ memory_api_key: 's3cr3t-value' }), runtime: 'process' });
    expect(out.errors).toEqual([]);
    expect(out.servers.map((s) => s.spec.name)).toEqual(['everything', 'everything-http', 'memory']);
    const memory = out.servers.find((s) => s.spec.name === 'memory')!;
    expect(memory.spec.env).toMatchObject({ LOG_LEVEL: 'debug', API_KEY: 's3cr3t-value' });
    expect(memory.masked.env.API_KEY).toBe('***');
    expect(JSON.stringify(memory.masked)).not.toContain('s3cr3t-value');
    expect(memory.secretValues).toEqual(['s3cr3t-value']);
  });

  it('applies production overrides and Environment variables', () => {
    const out = compiler.compile(input, { environment: 'production', secrets: staticSecrets({ memory_api_key: 'x' }) });
    expect(out.errors).toEqual([]);
    const http = out.servers.find((s) => s.spec.name === 'everything-http')!;
    expect(http.spec.port).toBe(3201);
    const memory = out.servers.find((s) => s.spec.name === 'memory')!;
    expect(memory.spec.env.LOG_LEVEL).toBe('warn');
    expect(memory.spec.env.MEMORY_FILE_PATH).toBe('/var/lib/mcp-memory/graph.json');
  });

  it('reports the missing secret with its location', () => {
    const out = compiler.compile(input, { environment: 'dev', secrets: staticSecrets({}) });
    expect(out.errors.map((e) => `${e.file}:${e.line}:${e.col}: ${e.field}: ${e.message}`)).toEqual([
      'sample-repo/servers/memory.yaml:17:7: spec.variables[2]: required token variable "memory_api_key" has no value: no secret "memory_api_key" is set, and no Environment sets it',
    ]);
  });
});
