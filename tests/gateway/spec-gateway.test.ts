// spec.gateway through the real compiler: sessions and maxSessions reach the rendered server;
// isolated sessions on a server that is not stdio, or on kubernetes, are errors naming the field;
// a server without spec.gateway renders (and hashes) as before.
import { describe, expect, it } from 'vitest';
import { createCompiler } from '../../src/render/desired-state.js';
import { staticSecrets } from '../../src/render/secrets.js';
import { formatSpecError } from '../../src/spec/spec-error.js';

const compiler = createCompiler();

function compile(spec: string, runtime: 'process' | 'docker' | 'kubernetes' = 'process') {
  const doc = `apiVersion: mcp-gitops/v1\nkind: MCPServer\nmetadata:\n  name: a\nspec:\n  version: "1"\n${spec}`;
  const out = compiler.compile({ files: [{ path: 'a.yaml', content: new TextEncoder().encode(doc) }] }, { secrets: staticSecrets({}), runtime });
  return { servers: out.servers, errors: out.errors.map(formatSpecError) };
}

describe('spec.gateway', () => {
  it('renders sessions and maxSessions; absent stays absent', () => {
    const on = compile('  command: node\n  image: ghcr.io/org/a:1\n  gateway:\n    sessions: isolated\n    maxSessions: 20\n', 'docker');
    expect(on.errors).toEqual([]);
    expect(on.servers[0].spec.gateway).toEqual({ sessions: 'isolated', maxSessions: 20 });
    const off = compile('  command: node\n');
    expect(off.servers[0].spec.gateway).toBeUndefined();
    expect(Object.keys(off.servers[0].spec)).not.toContain('gateway');
  });

  it('isolated needs a stdio server and the process or docker runtime', () => {
    const http = compile('  command: node\n  transport: streamable-http\n  port: 3000\n  gateway:\n    sessions: isolated\n');
    expect(http.errors).toHaveLength(1);
    expect(http.errors[0]).toContain('spec.gateway.sessions');
    expect(http.errors[0]).toContain('stdio');
    const k8s = compile('  command: node\n  image: ghcr.io/org/a:1\n  gateway:\n    sessions: isolated\n', 'kubernetes');
    expect(k8s.errors).toHaveLength(1);
    expect(k8s.errors[0]).toContain('spec.gateway.sessions');
    expect(k8s.errors[0]).toContain('kubernetes');
  });

  it('rejects unknown values', () => {
    const bad = compile('  command: node\n  gateway:\n    sessions: pooled\n    maxSessions: 0\n');
    expect(bad.errors.join('\n')).toMatch(/spec\.gateway\.sessions/);
    expect(bad.errors.join('\n')).toMatch(/spec\.gateway\.maxSessions/);
  });
});
