// validate + render + plan of 1000 specs (pure core), against an empty observed state.
import { plan } from '../src/plan/plan.js';
import { createCompiler } from '../src/render/desired-state.js';
import { staticSecrets } from '../src/render/secrets.js';
import type { Bench } from './harness.js';

export function generateSpecs(n: number, opts: { dependsEvery?: number } = {}): { path: string; content: Uint8Array }[] {
  const enc = new TextEncoder();
  const files = [];
  for (let i = 0; i < n; i++) {
    const deps = opts.dependsEvery && i > 0 && i % opts.dependsEvery === 0 ? `\n  dependsOn: [server-${i - 1}]` : '';
    files.push({
      path: `servers/server-${i}.yaml`,
      content: enc.encode(`apiVersion: mcp-gitops/v1
kind: MCPServer
metadata:
  name: server-${i}
  labels: { team: team-${i % 10} }
spec:
  version: "1.0.${i}"
  command: node
  args: ["server.js", "--id", "${i}"]
  env:
    LOG_LEVEL: "{{ vars.log_level }}"
    API_KEY: "{{ secrets.api_key }}"
    NAME: "{{ server.name }}-{{ environment }}"
  variables:
    - { name: log_level, type: string, default: info }
  health: { timeoutSeconds: 5, expectTools: [echo] }${deps}
  environments:
    production: { env: { LOG_LEVEL: warn } }
`),
    });
  }
  files.push({
    path: 'env/production.yaml',
    content: enc.encode('apiVersion: mcp-gitops/v1\nkind: Environment\nmetadata: { name: production }\nspec:\n  variables: { log_level: warn }\n'),
  });
  return files;
}

export function specsBench(runs: number): Promise<Bench> {
  const files = generateSpecs(1000, { dependsEvery: 7 });
  // One compiler for all runs, as the daemon keeps one across syncs; a warm-up run compiles the
  // schemas and templates first (measured separately as "first run").
  const compiler = createCompiler();
  const once = (): number => {
    const t = performance.now();
    const out = compiler.compile({ files, basePath: '.' }, { environment: 'production', secrets: staticSecrets({ api_key: 'k-123456' }), runtime: 'process' });
    if (out.errors.length > 0 || out.servers.length !== 1000) throw new Error(`bench specs invalid: ${out.errors[0]?.message}`);
    const p = plan(out.servers, []);
    if (p.waves.flat().length !== 1000) throw new Error('plan lost servers');
    return performance.now() - t;
  };
  const first = once();
  return Promise.resolve({
    rows: [
      {
        name: 'validate + render + plan, 1000 specs',
        unit: 'ms',
        target: '< 200 ms',
        runs,
        pass: (m) => m < 200,
        note: `daemon-like reuse of one compiler; first (cold) run ${first.toFixed(0)} ms`,
        measure: () => Promise.resolve({ value: once() }),
      },
    ],
    cleanup: () => Promise.resolve(),
  });
}
