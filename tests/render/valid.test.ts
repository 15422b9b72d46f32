// Valid specs: what renders, with which defaults, in which order.
import { describe, expect, it } from 'vitest';
import { createCompiler } from '../../src/render/desired-state.js';
import { staticSecrets } from '../../src/render/secrets.js';
import { files } from '../helpers/spec-files.js';
import { y } from '../spec/corpus/yaml.js';

const compiler = createCompiler();
const secrets = staticSecrets({});

const tools = y`
  apiVersion: mcp-gitops/v1
  kind: MCPServer
  metadata:
    name: tools
    labels: { team: core }
  spec:
    version: "2.0"
    command: node
    args:
      - "--level={{ vars.log_level | upper }}"
      - "--region={{ vars.region | default('eu-west-1') }}"
      - "{% if environment == 'production' %}--strict{% else %}--lenient{% endif %}"
      - "--name={{ server.name }}@{{ server.version }}"
      - "--debug={{ vars.debug }}"
      - "--upstream={{ vars.upstream }}"
    env:
      LOG_LEVEL: "{{ vars.log_level }}"
      MODE: base
      KEEP: kept
    variables:
      - { name: log_level, default: info }
      - { name: debug, type: boolean, default: false }
      - { name: upstream, type: url, default: "https://api.example.com/v1" }
    health:
      expectTools: [a, b]
    environments:
      production:
        args: ["--only-this"]
        env: { MODE: prod }
        health: { timeoutSeconds: 30 }
`;

const productionEnv = y`
  apiVersion: mcp-gitops/v1
  kind: Environment
  metadata: { name: production }
  spec:
    variables: { log_level: warn, debug: true, upstream: "http://10.0.0.1:8080/x" }
`;

describe('valid specs', () => {
  it('renders filters, conditionals on environment, server fields, booleans and urls', () => {
    const out = compiler.compile({ files: files({ 'tools.yaml': tools }) }, { environment: 'dev', secrets, runtime: 'process' });
    expect(out.errors).toEqual([]);
    expect(out.servers).toHaveLength(1);
    const s = out.servers[0].spec;
    expect(s.args).toEqual(['--level=INFO', '--region=eu-west-1', '--lenient', '--name=tools@2.0', '--debug=false', '--upstream=https://api.example.com/v1']);
    expect(s.env).toEqual({ LOG_LEVEL: 'info', MODE: 'base', KEEP: 'kept' });
    expect(s.labels).toEqual({ team: 'core' });
    expect(s.source).toEqual({ file: 'tools.yaml', line: 4 });
  });

  it('applies the environment overlay (maps merge, lists replace) and the Environment variables', () => {
    const out = compiler.compile({ files: files({ 'tools.yaml': tools, 'env/production.yaml': productionEnv }) }, { environment: 'production', secrets });
    expect(out.errors).toEqual([]);
    const s = out.servers[0].spec;
    expect(s.args).toEqual(['--only-this']);
    expect(s.env).toEqual({ LOG_LEVEL: 'warn', MODE: 'prod', KEEP: 'kept' });
    expect(s.health).toEqual({ timeoutSeconds: 30, expectTools: ['a', 'b'], stabilizationSeconds: 0 });
  });

  it('evaluates {% if environment == "production" %} per environment', () => {
    const spec = tools.replace(/ {2}environments:[\s\S]*$/, '');
    const prod = compiler.compile({ files: files({ 't.yaml': spec, 'e.yaml': productionEnv }) }, { environment: 'production', secrets });
    expect(prod.errors).toEqual([]);
    expect(prod.servers[0].spec.args).toEqual([
      '--level=WARN',
      '--region=eu-west-1',
      '--strict',
      '--name=tools@2.0',
      '--debug=true',
      '--upstream=http://10.0.0.1:8080/x',
    ]);
  });

  it('fills defaults once: transport, endpoint path, timeouts, rollout strategy', () => {
    const base = (name: string, extra: string): string =>
      `apiVersion: mcp-gitops/v1\nkind: MCPServer\nmetadata: { name: ${name} }\nspec:\n  version: "1"\n  command: x\n${extra}`;
    const out = compiler.compile(
      {
        files: files({
          'a.yaml': base('plain', ''),
          'b.yaml': base('http', '  transport: streamable-http\n  port: 8000\n'),
          'c.yaml': base('sse', '  transport: sse\n  port: 8001\n  rollout: { strategy: recreate }\n'),
          'd.yaml': base('custom', '  transport: sse\n  port: 8002\n  path: /events\n'),
        }),
      },
      { secrets, runtime: 'process' },
    );
    expect(out.errors).toEqual([]);
    const by = Object.fromEntries(out.servers.map((s) => [s.spec.name, s.spec]));
    expect(by.plain).toMatchObject({
      transport: 'stdio',
      args: [],
      env: {},
      dependsOn: [],
      labels: {},
      health: { timeoutSeconds: 10, expectTools: [], stabilizationSeconds: 0 },
      rollout: { strategy: 'blue-green' },
    });
    expect(by.plain).not.toHaveProperty('path');
    expect(by.plain).not.toHaveProperty('port');
    expect(by.http).toMatchObject({ transport: 'streamable-http', port: 8000, path: '/mcp' });
    expect(by.sse).toMatchObject({ path: '/sse', rollout: { strategy: 'recreate' } });
    expect(by.custom.path).toBe('/events');
  });

  it('health.restartsAllowed is kept only when written (a server without it keeps its spec hash)', () => {
    const base = (name: string, health: string): string =>
      `apiVersion: mcp-gitops/v1\nkind: MCPServer\nmetadata: { name: ${name} }\nspec:\n  version: "1"\n  image: x:1\n  command: x\n${health}`;
    const compile = (docs: Record<string, string>) => compiler.compile({ files: files(docs) }, { secrets, runtime: 'kubernetes' });
    const out = compile({ 'a.yaml': base('plain', ''), 'b.yaml': base('flaky', '  health: { restartsAllowed: 3 }\n') });
    expect(out.errors).toEqual([]);
    const by = Object.fromEntries(out.servers.map((s) => [s.spec.name, s]));
    expect(by.plain.spec.health).not.toHaveProperty('restartsAllowed');
    expect(by.flaky.spec.health).toMatchObject({ restartsAllowed: 3 });
    const zero = compile({ 'a.yaml': base('plain', '  health: { restartsAllowed: 0 }\n') });
    expect(zero.servers[0].specHash).not.toBe(by.plain.specHash); // written, even as 0: part of the spec
    expect(compile({ 'a.yaml': base('bad', '  health: { restartsAllowed: 1.5 }\n') }).errors).not.toEqual([]);
  });

  it('orders enabled servers in dependency waves and lists disabled ones', () => {
    const s = (name: string, extra = ''): string =>
      `apiVersion: mcp-gitops/v1\nkind: MCPServer\nmetadata: { name: ${name} }\nspec:\n  version: "1"\n  command: x\n${extra}`;
    const out = compiler.compile(
      {
        files: files({
          'web.yaml': s('web', '  dependsOn: [api]\n'),
          'api.yaml': s('api', '  dependsOn: [db, cache]\n'),
          'db.yaml': s('db'),
          'cache.yaml': s('cache', '  dependsOn: [db]\n'),
          'old.yaml': s('old', '  enabled: false\n  dependsOn: [nothing-here]\n  args: ["{{ not_rendered }}"]\n'),
          'alone.yaml': s('alone'),
        }),
      },
      { secrets, runtime: 'process' },
    );
    expect(out.errors).toEqual([]);
    expect(out.servers.map((x) => x.spec.name)).toEqual(['alone', 'db', 'cache', 'api', 'web']);
    expect(out.disabled).toEqual(['old']);
  });

  it('disables a server in one environment only', () => {
    const spec = `apiVersion: mcp-gitops/v1\nkind: MCPServer\nmetadata: { name: a }\nspec:\n  version: "1"\n  command: x\n  environments:\n    production: { enabled: false }\n`;
    expect(compiler.compile({ files: files({ 'a.yaml': spec }) }, { secrets, environment: 'production' }).disabled).toEqual(['a']);
    expect(compiler.compile({ files: files({ 'a.yaml': spec }) }, { secrets, environment: 'dev' }).servers).toHaveLength(1);
  });

  it('lets a default() filter cover an undefined name, and plain strings pass untouched', () => {
    const spec = y`
      apiVersion: mcp-gitops/v1
      kind: MCPServer
      metadata: { name: a }
      spec:
        version: "1"
        command: x
        args: ['{{ vars.unset | default("x") }}', "50% off {not a template}", "{{ vars.flag is defined }}"]
    `;
    const out = compiler.compile({ files: files({ 'a.yaml': spec }) }, { secrets });
    expect(out.errors).toEqual([]);
    expect(out.servers[0].spec.args).toEqual(['x', '50% off {not a template}', 'false']);
  });

  it('ignores files that are not YAML and empty YAML documents', () => {
    const out = compiler.compile({ files: files({ 'README.md': '{{ nope', 'empty.yaml': '', 'only-comments.yml': '# nothing\n---\n' }) }, { secrets });
    expect(out).toEqual({ servers: [], disabled: [], errors: [] });
  });
});
