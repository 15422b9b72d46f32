// health.checks and Notifier documents through the pure pipeline: schema, defaults, templates,
// the loopback rule of --allow-check-hosts, masking.
import { describe, expect, it } from 'vitest';
import { createCompiler } from '../../src/render/desired-state.js';
import { staticSecrets } from '../../src/render/secrets.js';
import { formatSpecError } from '../../src/spec/spec-error.js';
import { files } from '../helpers/spec-files.js';

const compiler = createCompiler();
const SECRETS = staticSecrets({ hook_key: 'hmac-key-0123456789', slack_url: 'https://hooks.example/T000/B000/XXXXsecretXXXX', port: '9464' });

function server(checks: string): string {
  return `apiVersion: mcp-gitops/v1
kind: MCPServer
metadata: { name: api }
spec:
  version: "1"
  command: node
  env: { X: "1" }
  health:
    checks:
${checks}
`;
}

function compile(map: Record<string, string>, allowCheckHosts?: string[]) {
  return compiler.compile({ files: files(map) }, { secrets: SECRETS, ...(allowCheckHosts && { allowCheckHosts }) });
}

describe('health.checks', () => {
  it('applies the defaults, names each check and renders templates', () => {
    const d = compile({
      'a.yaml': server(`      - { type: http, url: "http://127.0.0.1:{{ secrets.port }}/healthz" }
      - { type: tcp, host: "::1", port: 5432, critical: false, retries: 0 }
      - { type: command, name: ready, command: ["node", "-e", "process.exit(0)"], intervalSeconds: 2, timeoutSeconds: 1 }`),
    });
    expect(d.errors.map(formatSpecError)).toEqual([]);
    const checks = d.servers[0].spec.health.checks;
    expect(checks).toEqual([
      {
        name: 'http-0',
        type: 'http',
        url: 'http://127.0.0.1:9464/healthz',
        expectStatus: 200,
        intervalSeconds: 10,
        timeoutSeconds: 5,
        retries: 3,
        critical: true,
      },
      { name: 'tcp-1', type: 'tcp', host: '::1', port: 5432, intervalSeconds: 10, timeoutSeconds: 5, retries: 0, critical: false },
      { name: 'ready', type: 'command', command: ['node', '-e', 'process.exit(0)'], intervalSeconds: 2, timeoutSeconds: 1, retries: 3, critical: true },
    ]);
    expect(d.servers[0].masked.health.checks?.[0]).toMatchObject({ url: 'http://127.0.0.1:***/healthz' });
  });

  it('leaves the spec hash of a server without checks as it was (no checks key)', () => {
    const d = compile({ 'a.yaml': server('      []') });
    expect(d.errors).toEqual([]);
    expect('checks' in d.servers[0].spec.health).toBe(false);
  });

  it('refuses hosts beyond loopback unless --allow-check-hosts lists them, naming file, field and reason', () => {
    const map = {
      'servers/a.yaml': server(`      - { type: http, url: "http://db.internal:8080/healthz" }
      - { type: tcp, host: 10.0.0.5, port: 5432 }
      - { type: http, url: "http://[::1]:1/x" }
      - { type: http, url: "ftp://127.0.0.1/x" }`),
    };
    const errors = compile(map).errors.map(formatSpecError);
    expect(errors).toEqual([
      expect.stringMatching(/^servers\/a\.yaml:10:\d+: spec\.health\.checks\[0\]\.url: host "db\.internal" is not loopback .*--allow-check-hosts/),
      expect.stringMatching(/^servers\/a\.yaml:11:\d+: spec\.health\.checks\[1\]\.host: host "10\.0\.0\.5" is not loopback/),
      expect.stringMatching(/^servers\/a\.yaml:13:\d+: spec\.health\.checks\[3\]\.url: must be http:\/\/ or https:\/\//),
    ]);
    const allowed = compile(map, ['db.internal', '10.0.0.5']).errors.map(formatSpecError);
    expect(allowed).toEqual([expect.stringMatching(/checks\[3\]\.url: must be http/)]);
  });

  it('reports schema mistakes of one check type only (discriminated by type)', () => {
    const errors = compile({
      'a.yaml': server(`      - { type: tcp, host: 127.0.0.1 }
      - { type: http, url: "http://127.0.0.1/", command: ["x"] }
      - { type: command, command: "pg_isready -h 127.0.0.1" }
      - { type: smtp }`),
    }).errors.map(formatSpecError);
    expect(errors.join('\n')).toMatch(/checks\[0\].*port/);
    expect(errors.join('\n')).toMatch(/checks\[1\].*command/);
    expect(errors.join('\n')).toMatch(/checks\[2\]\.command/);
    expect(errors.join('\n')).toMatch(/checks\[3\]\.type: must be one of: http, tcp, command/);
  });
});

describe('kind: Notifier', () => {
  const notifier = (spec: string): string => `apiVersion: mcp-gitops/v1
kind: Notifier
metadata: { name: team-chat }
spec:
${spec}
`;

  it('loads beside the servers, renders secrets and keeps them out of the masked twin', () => {
    const d = compile({
      'a.yaml': server('      []'),
      'n.yaml': notifier(`  type: webhook
  url: "{{ secrets.slack_url }}"
  secret: "{{ secrets.hook_key }}"
  events: [succeeded, reverted]`),
    });
    expect(d.errors.map(formatSpecError)).toEqual([]);
    const n = d.notifiers?.[0];
    expect(n?.spec).toEqual({
      name: 'team-chat',
      type: 'webhook',
      url: 'https://hooks.example/T000/B000/XXXXsecretXXXX',
      secret: 'hmac-key-0123456789',
      events: ['succeeded', 'reverted'],
      servers: ['*'],
    });
    expect(n?.masked).toMatchObject({ url: '***', secret: '***', servers: ['*'] });
    expect(n?.secretValues.sort()).toEqual(['hmac-key-0123456789', 'https://hooks.example/T000/B000/XXXXsecretXXXX']);
    expect(JSON.stringify(n?.masked)).not.toMatch(/hmac-key|XXXXsecret/);
  });

  it('defaults to every event; duplicate names, bad types, unknown secrets and non-http urls are errors', () => {
    const ok = compile({ 'n.yaml': notifier('  type: slack\n  url: "http://127.0.0.1:1/hook"') });
    expect(ok.notifiers?.[0].spec.events).toEqual(['succeeded', 'reverted', 'invalid', 'driftRepaired', 'toolDrift', 'canary']);
    const bad = compile({
      'n.yaml': notifier('  type: slack\n  url: "http://127.0.0.1:1/hook"'),
      'm.yaml': notifier('  type: teams\n  url: "{{ secrets.nope }}"\n  events: [deployed]'),
      'o.yaml': notifier('  type: webhook\n  url: "{{ secrets.nope }}"').replace('team-chat', 'other'),
      'p.yaml': notifier('  type: webhook\n  url: "mailto:x@y"').replace('team-chat', 'third'),
    }).errors.map(formatSpecError);
    expect(bad.join('\n')).toMatch(/m\.yaml:\d+:\d+: spec\.type/);
    expect(bad.join('\n')).toMatch(/m\.yaml:\d+:\d+: spec\.events\[0\]/);
    expect(bad.join('\n')).toMatch(/o\.yaml:6:\d+: spec\.url: .*nope/);
    expect(bad.join('\n')).toMatch(/p\.yaml:6:\d+: spec\.url: must render to an http/);
  });

  it('rejects a second Notifier of the same name', () => {
    const errors = compile({
      'n.yaml': notifier('  type: slack\n  url: "http://127.0.0.1:1/hook"'),
      'm.yaml': notifier('  type: slack\n  url: "http://127.0.0.1:1/hook"'),
    }).errors.map(formatSpecError);
    expect(errors).toEqual([expect.stringMatching(/duplicate Notifier name "team-chat"/)]);
  });
});
