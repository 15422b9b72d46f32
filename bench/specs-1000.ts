// validate + render + plan of 1000 specs (pure core), against an empty observed state. Measured in
// CPU time of this process: on a quiet machine that is the wall time of this synchronous work, and
// on a shared one it is the part that is ours.
import { parseAllDocuments } from 'yaml';
import { plan } from '../src/plan/plan.js';
import { createCompiler, type Compiler } from '../src/render/desired-state.js';
import { staticSecrets } from '../src/render/secrets.js';
import type { Bench } from './harness.js';
import { selfCpuMs } from './proc-usage.js';

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

/** `files` with spec `i` edited (its version set to `1.<rev>.<i>`), as a commit that changes one spec. */
export function editSpec(files: SpecFiles, i: number, rev: number): SpecFiles {
  const out = [...files];
  const text = new TextDecoder().decode(files[i].content).replace(/version: "[^"]*"/, `version: "1.${rev}.${i}"`);
  out[i] = { path: files[i].path, content: new TextEncoder().encode(text) };
  return out;
}

type SpecFiles = ReturnType<typeof generateSpecs>;

/** CPU ms of this process for fn (user + system, all its threads: GC included). */
export function cpuMsOf(fn: () => void): number {
  const c = process.cpuUsage();
  fn();
  return selfCpuMs(c);
}

/** One validate + render + plan of `files` (n servers) by `compiler`, in CPU ms. */
export function compileCpuMs(compiler: Compiler, files: SpecFiles, n: number): number {
  return cpuMsOf(() => {
    const out = compiler.compile({ files, basePath: '.' }, { environment: 'production', secrets: staticSecrets({ api_key: 'k-123456' }), runtime: 'process' });
    if (out.errors.length > 0 || out.servers.length !== n) throw new Error(`bench specs invalid: ${out.errors[0]?.message}`);
    const p = plan(out.servers, []);
    if (p.waves.flat().length !== n) throw new Error('plan lost servers');
  });
}

/**
 * The daemon's case: one compiler across commits, each commit changing one spec (the first compile,
 * cold, is only in the note). Also every spec changed at once, beside its floor: the YAML library
 * parsing the same files and nothing else.
 */
export function specsBench(runs: number): Promise<Bench> {
  const n = 1000;
  let files = generateSpecs(n, { dependsEvery: 7 });
  const compiler = createCompiler();
  const t = performance.now();
  const firstCpu = compileCpuMs(compiler, files, n);
  const firstWall = performance.now() - t;
  let rev = 0;
  const texts = (): string[] => files.map((f) => new TextDecoder().decode(f.content));
  return Promise.resolve({
    rows: [
      {
        name: 'validate + render + plan, 1000 specs, one changed (CPU)',
        unit: 'ms',
        target: '< 200 ms',
        runs,
        pass: (m) => m < 200,
        note: `one compiler across commits as in the daemon, each commit editing one spec; first (cold) compile ${firstCpu.toFixed(0)} ms CPU, ${firstWall.toFixed(0)} ms wall`,
        measure: (run) => {
          files = editSpec(files, (run * 137) % n, ++rev);
          return Promise.resolve({ value: compileCpuMs(compiler, files, n) });
        },
      },
      {
        name: 'validate + render + plan, 1000 specs, all changed (CPU)',
        unit: 'ms',
        target: 'report',
        runs,
        note: 'every spec edited since the last compile; baseline: the YAML library alone parsing the same files (parseAllDocuments), the floor of any compile that reads them',
        measure: () => {
          rev++;
          for (let i = 0; i < n; i++) files = editSpec(files, i, rev);
          const all = texts();
          const baseline = cpuMsOf(() => all.forEach((s) => parseAllDocuments(s)));
          return Promise.resolve({ value: compileCpuMs(compiler, files, n), baseline });
        },
      },
    ],
    cleanup: () => Promise.resolve(),
  });
}
