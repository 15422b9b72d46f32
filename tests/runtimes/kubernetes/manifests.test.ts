// deploy/: the kubernetes manifests pass a strict schema check (kubeconform-like, schemas from
// client-node's models), the Role grants exactly what the runtime declares it calls, the objects
// the runtime builds pass the same check, and the compose and systemd files are what they claim.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse } from 'yaml';
import { IN_CLUSTER_PERMISSIONS, requiredPermissions, type Permission } from '../../../src/runtimes/kubernetes/permissions.js';
import { buildInstanceObjects } from '../../../src/runtimes/kubernetes/instance-objects.js';
import { paths } from '../process/helpers/servers.js';
import { validateObject } from './helpers/k8s-schema.js';
import { rendered } from './helpers/servers.js';

const dir = join(paths.root, 'deploy/kubernetes');
type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [k: string]: unknown };

function load(file: string): K8sObject[] {
  return parseAllDocuments(readFileSync(join(dir, file), 'utf8'))
    .map((d) => d.toJS() as K8sObject)
    .filter((o) => o !== null);
}

const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
const objects = files.flatMap((f) => load(f).map((o) => ({ file: f, o })));

/** Role rules flattened to one Permission per (group, resource), verbs sorted. */
function normalize(ps: readonly Permission[]): Permission[] {
  const m = new Map<string, Set<string>>();
  for (const p of ps) {
    const key = `${p.group}|${p.resource}`;
    m.set(key, new Set([...(m.get(key) ?? []), ...p.verbs]));
  }
  return [...m]
    .map(([k, v]) => ({ group: k.split('|')[0], resource: k.split('|')[1], verbs: [...v].sort() as Permission['verbs'] }))
    .sort((a, b) => `${a.group}/${a.resource}`.localeCompare(`${b.group}/${b.resource}`));
}

describe('deploy/kubernetes', () => {
  it('ships every object the issue asks for, all in the mcp-gitops namespace', () => {
    expect(objects.map(({ o }) => o.kind).sort()).toEqual([
      'Deployment',
      'Namespace',
      'PersistentVolumeClaim',
      'Role',
      'RoleBinding',
      'Secret',
      'Service',
      'ServiceAccount',
    ]);
    for (const { o } of objects) if (o.kind !== 'Namespace') expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe('mcp-gitops');
    const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    expect(kustomization.resources.sort()).toEqual(files.filter((f) => f !== 'secret.example.yaml').sort());
  });

  it.each(objects.map(({ file, o }) => ({ name: `${file}: ${o.kind}/${o.metadata.name}`, o })))('$name passes the schema check', ({ o }) => {
    expect(validateObject(o)).toEqual([]);
  });

  it('the schema check catches what kubectl --validate would: unknown fields, wrong types, missing required fields', () => {
    const deployment = structuredClone(objects.find(({ o }) => o.kind === 'Deployment')!.o) as unknown as {
      spec: { replicas: unknown; template: { spec: { containers: Record<string, unknown>[] } } };
    };
    deployment.spec.replicas = 'one';
    deployment.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
    delete deployment.spec.template.spec.containers[0].name;
    expect(validateObject(deployment)).toEqual([
      'spec.replicas: must be integer',
      "spec.template.spec.containers.0: must have required property 'name'",
      'spec.template.spec.containers.0: unknown field "imagePullPolicyy"',
    ]);
    expect(validateObject({ apiVersion: 'v1', kind: 'Deployment', metadata: { name: 'x' } })).toEqual(['apiVersion: v1 is not apps/v1 for Deployment']);
  });

  it('the Role grants exactly what the in-cluster runtime declares it calls (nothing missing, nothing more)', () => {
    const role = objects.find(({ o }) => o.kind === 'Role')!.o as unknown as {
      rules: { apiGroups: string[]; resources: string[]; verbs: Permission['verbs'] }[];
    };
    const granted = role.rules.flatMap((r) => r.apiGroups.flatMap((group) => r.resources.map((resource) => ({ group, resource, verbs: r.verbs }))));
    expect(normalize(granted)).toEqual(normalize(IN_CLUSTER_PERMISSIONS));
    expect(granted.some((g) => g.verbs.includes('*' as never) || g.resource === '*')).toBe(false);
  });

  it('the RoleBinding binds that Role to the ServiceAccount the Deployment runs as', () => {
    const rb = objects.find(({ o }) => o.kind === 'RoleBinding')!.o as unknown as { roleRef: { name: string }; subjects: { kind: string; name: string }[] };
    const d = objects.find(({ o }) => o.kind === 'Deployment')!.o as unknown as { spec: { template: { spec: { serviceAccountName: string } } } };
    expect(rb.roleRef.name).toBe(objects.find(({ o }) => o.kind === 'Role')!.o.metadata.name);
    expect(rb.subjects).toEqual([{ kind: 'ServiceAccount', name: d.spec.template.spec.serviceAccountName, namespace: 'mcp-gitops' }]);
  });

  it('the daemon runs the kubernetes runtime non-root with probes on /healthz and /readyz, secrets from the Secret', () => {
    const d = objects.find(({ o }) => o.kind === 'Deployment')!.o as unknown as {
      spec: {
        template: {
          spec: {
            securityContext: Record<string, unknown>;
            containers: {
              args: string[];
              env: { name: string; valueFrom?: { secretKeyRef?: { name: string } } }[];
              livenessProbe: { httpGet: { path: string } };
              readinessProbe: { httpGet: { path: string } };
            }[];
          };
        };
      };
    };
    const pod = d.spec.template.spec;
    const c = pod.containers[0];
    expect(c.args).toEqual(expect.arrayContaining(['serve', '--runtime=kubernetes']));
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
    expect([c.livenessProbe.httpGet.path, c.readinessProbe.httpGet.path]).toEqual(['/healthz', '/readyz']);
    expect(c.env.map((e) => [e.name, e.valueFrom?.secretKeyRef?.name])).toEqual([
      ['MCP_GITOPS_WEBHOOK_SECRET', 'mcp-gitops'],
      ['MCP_GITOPS_API_TOKEN', 'mcp-gitops'],
      ['MCP_GITOPS_GIT_TOKEN', 'mcp-gitops'],
    ]);
  });

  it('a daemon outside the cluster needs port-forward on top, nothing else', () => {
    const extra = normalize(requiredPermissions({ portForward: true, leaderElection: true })).filter(
      (p) => !normalize(IN_CLUSTER_PERMISSIONS).some((q) => q.group === p.group && q.resource === p.resource),
    );
    expect(extra).toEqual([{ group: '', resource: 'pods/portforward', verbs: ['create', 'get'] }]);
  });
});

describe('objects the runtime applies', () => {
  it.each([
    {
      name: 'stdio with secrets',
      s: rendered({ name: 'memory', env: { K: 'secret-value-1' }, secretEnv: ['K'], args: ['--token', 'secret-value-2'], secretArgs: [1] }),
    },
    { name: 'streamable-http', s: rendered({ name: 'everything', transport: 'streamable-http', port: 3001, args: ['streamableHttp'] }) },
  ])('$name: Secret, Deployment and Service pass the schema check', ({ s }) => {
    const o = buildInstanceObjects(s, {
      name: `mcp-${s.spec.name}-0a1b2c3d`,
      namespace: 'mcp-gitops',
      commit: 'c'.repeat(40),
      bridgeCommand: ['mcp-gitops', 'bridge'],
    });
    for (const obj of [o.secret, o.deployment, o.service].filter((x) => x !== undefined)) expect(validateObject(obj)).toEqual([]);
  });
});

describe('deploy/compose', () => {
  it('runs the daemon with the docker runtime on the host network, with the engine socket', () => {
    const c = parse(readFileSync(join(paths.root, 'deploy/compose/compose.yaml'), 'utf8')) as {
      services: Record<string, { command: string[]; network_mode: string; volumes: string[]; build: { context: string }; cap_drop: string[] }>;
    };
    const s = c.services['mcp-gitops'];
    expect(s.command).toEqual(expect.arrayContaining(['serve', '--runtime=docker']));
    expect(s.network_mode).toBe('host');
    expect(s.volumes).toContain('/var/run/docker.sock:/var/run/docker.sock');
    expect(s.cap_drop).toEqual(['ALL']);
    expect(readdirSync(join(paths.root, 'deploy/compose', s.build.context))).toContain('Dockerfile');
  });
});

describe('deploy/systemd', () => {
  const unit = join(paths.root, 'deploy/systemd/mcp-gitops.service');
  const text = readFileSync(unit, 'utf8');

  it('runs the process runtime with the hardening options', () => {
    expect(text).toMatch(/^ExecStart=.* serve --runtime process /m);
    for (const opt of [
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      'ProtectHome=yes',
      'PrivateTmp=yes',
      'DynamicUser=yes',
      'CapabilityBoundingSet=',
      'KillMode=mixed',
    ]) {
      expect(text.split('\n')).toContain(opt);
    }
    expect(text).not.toMatch(/^MemoryDenyWriteExecute=yes/m); // V8 needs W+X pages
  });

  const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
  it.skipIf(analyze.status !== 0)(`systemd-analyze rates its exposure "OK" (below 2.0)${analyze.status === 0 ? '' : ' (skipped: no systemd-analyze)'}`, () => {
    const r = spawnSync('systemd-analyze', ['security', '--offline=true', '--threshold=20', unit], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const level = Number(/Overall exposure level for mcp-gitops\.service: ([\d.]+)/.exec(r.stdout)?.[1]);
    expect(level).toBeLessThan(2);
  });
});
