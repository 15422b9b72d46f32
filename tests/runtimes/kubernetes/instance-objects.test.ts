// Object building from rendered specs, on plain data: labels, secret references, SSA bodies.
import { describe, expect, it } from 'vitest';
import { buildInstanceObjects, type InstanceObjects } from '../../../src/runtimes/kubernetes/instance-objects.js';
import { isRuntimeError } from '../../../src/runtimes/errors.js';
import { LABEL_INSTANCE } from '../../../src/runtimes/kubernetes/names.js';
import { fromLabelMap, LABEL_REPLICA } from '../../../src/runtimes/runtime.js';
import { rendered, type ServerInput } from './helpers/servers.js';

const NAME = 'mcp-memory-0a1b2c3d';
const COMMIT = 'c0ffee0000000000000000000000000000000001';
const opts = { name: NAME, namespace: 'tools', commit: COMMIT, bridgeCommand: ['mcp-gitops', 'bridge'] };

function build(input: ServerInput): InstanceObjects {
  return buildInstanceObjects(rendered(input), opts);
}

function container(o: InstanceObjects) {
  return o.deployment.spec!.template.spec!.containers[0];
}

const SECRET = 'sk-live-0123456789';

describe('buildInstanceObjects', () => {
  it.each<{ title: string; input: ServerInput; command?: string[]; args?: string[]; url: string; port: number }>([
    {
      title: 'stdio: the bridge runs the command and serves it over streamable HTTP',
      input: { name: 'memory', command: 'npx', args: ['-y', '@modelcontextprotocol/server-memory'] },
      command: ['mcp-gitops', 'bridge', '--host', '0.0.0.0', '--port', '8000', '--path', '/mcp', '--', 'npx', '-y', '@modelcontextprotocol/server-memory'],
      url: `http://${NAME}.tools.svc:8000/mcp`,
      port: 8000,
    },
    {
      title: 'streamable-http: command replaces the entrypoint, args the cmd, default path /mcp',
      input: { name: 'memory', transport: 'streamable-http', port: 3001, command: 'node', args: ['server.js', 'streamableHttp'] },
      command: ['node'],
      args: ['server.js', 'streamableHttp'],
      url: `http://${NAME}.tools.svc:3001/mcp`,
      port: 3001,
    },
    {
      title: 'sse without command: the image entrypoint, default path /sse',
      input: { name: 'memory', transport: 'sse', port: 3002, command: undefined },
      url: `http://${NAME}.tools.svc:3002/sse`,
      port: 3002,
    },
    {
      title: 'explicit path without a leading slash',
      input: { name: 'memory', transport: 'streamable-http', port: 80, command: undefined, args: ['serve'], path: 'rpc' },
      args: ['serve'],
      url: `http://${NAME}.tools.svc:80/rpc`,
      port: 80,
    },
  ])('$title', ({ input, command, args, url, port }) => {
    const o = build(input);
    const c = container(o);
    expect(c.command).toEqual(command);
    expect(c.args).toEqual(args);
    expect(o.url).toBe(url);
    expect(c.ports).toEqual([{ name: 'mcp', containerPort: port, protocol: 'TCP' }]);
    expect(c.readinessProbe?.tcpSocket?.port).toBe(port);
    expect(o.service.spec!.ports).toEqual([{ name: 'mcp', port, targetPort: 'mcp', protocol: 'TCP' }]);
    expect(c.image).toBe('ghcr.io/example/server:1');
  });

  it('labels every object with the CONTRACT §5 set and the instance; selectors pick exactly the instance', () => {
    const input = rendered({ name: 'memory', labels: { team: 'core', 'mcp-gitops/server': 'spoofed' }, env: { K: SECRET }, secretEnv: ['K'] });
    const o = buildInstanceObjects(input, opts);
    const want = {
      team: 'core',
      'app.kubernetes.io/managed-by': 'mcp-gitops',
      'mcp-gitops/server': 'memory',
      'mcp-gitops/commit': COMMIT,
      'mcp-gitops/spec-hash': input.specHash,
      [LABEL_INSTANCE]: NAME,
    };
    for (const obj of [o.deployment, o.service, o.secret!]) {
      expect(obj.metadata).toMatchObject({ name: NAME, namespace: 'tools', labels: want });
    }
    expect(o.deployment.spec!.template.metadata!.labels).toEqual(want);
    expect(o.deployment.spec!.selector.matchLabels).toEqual({ [LABEL_INSTANCE]: NAME });
    expect(o.service.spec!.selector).toEqual({ [LABEL_INSTANCE]: NAME });
    expect(o.deployment.metadata!.annotations).toEqual({
      'mcp-gitops/version': '1.0.0',
      'mcp-gitops/transport': 'stdio',
      'mcp-gitops/port': '8000',
      'mcp-gitops/path': '/mcp',
    });
  });

  it('are complete SSA documents: apiVersion, kind, name, namespace on each', () => {
    const o = build({ name: 'memory', env: { K: SECRET }, secretEnv: ['K'] });
    expect([o.secret, o.deployment, o.service].map((x) => [x!.apiVersion, x!.kind, x!.metadata!.name, x!.metadata!.namespace])).toEqual([
      ['v1', 'Secret', NAME, 'tools'],
      ['apps/v1', 'Deployment', NAME, 'tools'],
      ['v1', 'Service', NAME, 'tools'],
    ]);
    expect(o.deployment.spec!.replicas).toBe(1);
  });

  it('moves secret env values into the Secret and references them; literals stay inline, escaped', () => {
    const o = build({ name: 'memory', env: { API_KEY: SECRET, LOG_LEVEL: 'info', PRICE: '$(HOME) costs $5' }, secretEnv: ['API_KEY'] });
    expect(container(o).env).toEqual([
      { name: 'API_KEY', valueFrom: { secretKeyRef: { name: NAME, key: 'API_KEY' } } },
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'PRICE', value: '$$(HOME) costs $$5' },
    ]);
    expect(o.secret!.type).toBe('Opaque');
    expect(o.secret!.data).toEqual({ API_KEY: Buffer.from(SECRET).toString('base64') });
    expect(JSON.stringify([o.deployment, o.service])).not.toContain(SECRET);
  });

  it('a secret embedded in a longer value moves the whole value (caught by secretValues alone)', () => {
    const plain = rendered({ name: 'memory', env: { URL: `https://u:${SECRET}@example.test` } });
    expect(container(buildInstanceObjects(plain, opts)).env).toEqual([{ name: 'URL', value: `https://u:${SECRET}@example.test` }]);
    const o = buildInstanceObjects({ ...plain, secretValues: [SECRET] }, opts);
    expect(container(o).env).toEqual([{ name: 'URL', valueFrom: { secretKeyRef: { name: NAME, key: 'URL' } } }]);
    expect(JSON.stringify(o.deployment)).not.toContain(SECRET);
  });

  it('secret args reach the command line through $(VAR) expansion of a Secret-backed env var', () => {
    const o = build({ name: 'memory', command: 'server', args: ['--token', SECRET], secretArgs: [1] });
    const c = container(o);
    expect(c.command).toEqual([
      'mcp-gitops',
      'bridge',
      '--host',
      '0.0.0.0',
      '--port',
      '8000',
      '--path',
      '/mcp',
      '--redact-env',
      'MCP_GITOPS_SECRET_ARG_2',
      '--',
      'server',
      '--token',
      '$(MCP_GITOPS_SECRET_ARG_2)',
    ]);
    expect(c.env).toEqual([{ name: 'MCP_GITOPS_SECRET_ARG_2', valueFrom: { secretKeyRef: { name: NAME, key: 'arg-2' } } }]);
    expect(o.secret!.data).toEqual({ 'arg-2': Buffer.from(SECRET).toString('base64') });
    expect(JSON.stringify(o.deployment)).not.toContain(SECRET);
  });

  it('the bridge is told which env vars hold secrets, so it can redact them', () => {
    const o = build({ name: 'memory', env: { A: SECRET, B: 'x' }, secretEnv: ['A'] });
    expect(container(o).command).toContain('--redact-env');
    expect(container(o).command![container(o).command!.indexOf('--redact-env') + 1]).toBe('A');
  });

  it('no secret values: no Secret object', () => {
    expect(build({ name: 'memory', env: { A: 'plain' } }).secret).toBeUndefined();
  });

  it('pods run without the service account token, without service links, with logs as termination message', () => {
    const o = build({ name: 'memory' });
    const pod = o.deployment.spec!.template.spec!;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.enableServiceLinks).toBe(false);
    expect(pod.containers[0].terminationMessagePolicy).toBe('FallbackToLogsOnError');
    expect(pod.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false });
  });

  it.each<{ title: string; input: ServerInput; message: RegExp }>([
    { title: 'no image', input: { name: 'memory', image: undefined }, message: /^server memory: spec\.image is required by the kubernetes runtime$/ },
    {
      title: 'http without port',
      input: { name: 'memory', transport: 'streamable-http' },
      message: /^server memory: spec\.port is required for transport streamable-http$/,
    },
    {
      title: 'stdio without command',
      input: { name: 'memory', command: undefined },
      message: /^server memory: stdio servers on kubernetes need spec\.command/,
    },
    {
      title: 'reserved env prefix',
      input: { name: 'memory', env: { MCP_GITOPS_SECRET_ARG_1: 'x' } },
      message: /env MCP_GITOPS_SECRET_ARG_1: the prefix MCP_GITOPS_SECRET_ARG_ is reserved/,
    },
  ])('refuses a spec it cannot run: $title', ({ input, message }) => {
    let err: unknown;
    try {
      build(input);
    } catch (e) {
      err = e;
    }
    expect(isRuntimeError(err, 'RUNTIME_INVALID_SPEC')).toBe(true);
    expect((err as Error).message).toMatch(message);
  });
});

describe('buildInstanceObjects: replicas (ADR 0018)', () => {
  it('each replica is its own instance: one pod, its own Service, the replica in its labels (none on replica 0)', () => {
    const input: ServerInput = { name: 'memory', command: 'npx', args: ['-y', '@modelcontextprotocol/server-memory'] };
    const first = buildInstanceObjects(rendered(input), opts);
    const second = buildInstanceObjects(rendered(input), { ...opts, name: 'mcp-memory-9f8e7d6c', replica: 2 });
    expect(first.labels[LABEL_REPLICA]).toBeUndefined();
    expect(second.labels[LABEL_REPLICA]).toBe('2');
    expect(second.deployment.spec!.replicas).toBe(1);
    expect(second.deployment.spec!.template.metadata!.labels![LABEL_REPLICA]).toBe('2');
    expect(second.service.spec!.selector).toEqual({ [LABEL_INSTANCE]: 'mcp-memory-9f8e7d6c' });
    expect(fromLabelMap(second.labels)).toMatchObject({ server: 'memory', replica: 2 });
    expect(fromLabelMap(first.labels)).not.toHaveProperty('replica');
  });
});
