// Renders one environment-overlaid MCPServer into its desired form: variables resolved and typed,
// every string value through nunjucks (after YAML parsing), defaults applied, secrets masked on the
// display twin (see mask.ts).
import {
  CANARY_DEFAULTS,
  CHECK_DEFAULTS,
  DEFAULT_TIMEOUT_SECONDS,
  type DesiredCheck,
  type DesiredServer,
  type RenderedServer,
  type ReplicaRender,
} from '../spec/desired.js';
import { closest } from '../spec/did-you-mean.js';
import type { Environment, HealthCheck, ServerFields } from '../spec/generated.js';
import type { PathSegment } from '../spec/positions.js';
import { checkCheckHosts } from './check-hosts.js';
import { looksSecret } from '../spec/secret-names.js';
import { checkRendered } from './check-rendered.js';
import { buildContext, type ContextInput, type Recorder } from './context.js';
import type { SecretReader } from './secrets.js';
import { specHash } from './spec-hash.js';
import { Masker, secretPieces } from './mask.js';
import { TemplateError, type TemplateEngine } from './template.js';
import { resolveVariables, type VariableProblem } from './variables.js';

export interface RenderProblem {
  /** YAML path in the server document (`environment` = in the Environment document). */
  where: { in: 'server' | 'environment'; path: PathSegment[] };
  message: string;
}

export interface RenderServerInput {
  name: string;
  labels: Record<string, string>;
  fields: ServerFields;
  /** Maps a path inside `fields` to its YAML path (overlay-aware). */
  origin: (path: readonly PathSegment[]) => PathSegment[];
  source: { file: string; line: number };
  environmentName: string | undefined;
  environment: Environment | undefined;
  secrets: SecretReader;
  engine: TemplateEngine;
  /** Digest of the files under `cwd` in the commit, so editing them rolls the server. */
  workdirDigest?: string;
  /** --allow-check-hosts: hosts beside loopback that health checks may reach. */
  allowCheckHosts?: readonly string[];
}

function explain(e: unknown, rec: Recorder, known: Record<string, readonly string[]>, secrets: SecretReader): string {
  const msg = e instanceof Error ? e.message : String(e);
  for (const m of rec.missing) {
    const [scope, name] = [m.slice(0, m.indexOf('.')), m.slice(m.indexOf('.') + 1)];
    if (scope === 'secrets') return secrets.describe(name);
    if (scope === 'replica')
      return name === 'index'
        ? 'replica.index is only available in port and env (each replica renders them with its own index)'
        : `undefined name "${m}" (replica has index)`;
    const c = closest(name, known[scope] ?? []);
    if (c !== undefined) return `undefined ${scope === 'vars' ? 'variable' : 'name'} "${m}" (did you mean "${scope}.${c}"?)`;
    if (scope === 'vars') return `undefined variable "${m}": declare it in spec.variables or set it in the Environment`;
    return `undefined name "${m}" (${scope} has ${(known[scope] ?? []).join(', ')})`;
  }
  if (e instanceof TemplateError && /null or undefined/.test(msg)) return 'template produced an undefined value (a field that does not exist?)';
  return msg;
}

type Walked = { real: unknown; masked: unknown };

export function renderServer(input: RenderServerInput): { rendered?: RenderedServer; problems: RenderProblem[] } {
  const { fields, origin } = input;
  const problems: RenderProblem[] = [];
  const declared = fields.variables ?? [];
  const resolved = resolveVariables(declared, input.environment, input.secrets, (i, f) => origin(f === undefined ? ['variables', i] : ['variables', i, f]));
  problems.push(...resolved.problems.map((p: VariableProblem) => ({ where: p.where, message: p.message })));
  if (problems.length > 0) return { problems };

  const rawVersion = fields.version ?? '';
  const server = { real: { name: input.name, version: rawVersion }, masked: { name: input.name, version: rawVersion } };
  const ctxInput: ContextInput = {
    vars: resolved.vars,
    secretVarNames: resolved.secretNames,
    secrets: input.secrets,
    environment: input.environmentName ?? '',
    server: server.real,
  };
  const known = { vars: Object.keys(resolved.vars), server: ['name', 'version'], secrets: [], replica: ['index'] };
  const secretValues = new Set<string>();

  const renderString = (src: string, path: PathSegment[], replica?: number): Walked => {
    if (!input.engine.isTemplate(src)) return { real: src, masked: src };
    const out: Partial<Walked> = {};
    for (const masked of [false, true]) {
      const rec: Recorder = { missing: new Set(), secretValues: new Set() };
      try {
        const ctx = buildContext(
          { ...ctxInput, server: masked ? server.masked : server.real, ...(replica !== undefined && { replica: { index: replica } }) },
          masked,
          rec,
        );
        out[masked ? 'masked' : 'real'] = input.engine.render(src, ctx);
        rec.secretValues.forEach((v) => secretValues.add(v));
      } catch (e) {
        const message = new Masker([...secretValues, ...rec.secretValues]).text(explain(e, rec, known, input.secrets));
        problems.push({ where: { in: 'server', path: origin(path) }, message });
        return { real: src, masked: src };
      }
    }
    // whatever filters did to a secret, the text standing where the twin has *** is secret too
    for (const piece of secretPieces(String(out.real), String(out.masked))) secretValues.add(piece);
    return out as Walked;
  };
  // `replica`: the index port and env render with (set on entering them at the top level)
  const walk = (v: unknown, path: PathSegment[], replica?: number): Walked => {
    if (typeof v === 'string') return renderString(v, path, replica);
    if (Array.isArray(v)) {
      const items = v.map((x, i) => walk(x, [...path, i], replica));
      return { real: items.map((x) => x.real), masked: items.map((x) => x.masked) };
    }
    if (v && typeof v === 'object') {
      const entries = Object.entries(v).map(
        ([k, x]) => [k, walk(x, [...path, k], replica ?? (path.length === 0 && REPLICA_FIELDS.has(k) ? 0 : undefined))] as const,
      );
      return { real: Object.fromEntries(entries.map(([k, x]) => [k, x.real])), masked: Object.fromEntries(entries.map(([k, x]) => [k, x.masked])) };
    }
    return { real: v, masked: v };
  };

  const { variables: _vars, ...templated } = fields;
  // The version renders first: templates elsewhere may read it as server.version (each twin its own).
  const version = renderString(rawVersion, ['version']);
  server.real.version = String(version.real);
  server.masked.version = String(version.masked);
  const { version: _v, ...rest } = templated;
  const out = walk(rest, []);
  // every further replica renders its own port and env (index 0 is the walk above)
  const count = fields.replicas ?? 1;
  const perReplica = Array.from({ length: count > 1 ? count - 1 : 0 }, (_, i) =>
    walk(Object.fromEntries(Object.entries({ port: rest.port, env: rest.env }).filter(([, x]) => x !== undefined)), [], i + 1),
  );
  if (problems.length > 0) return { problems };
  for (const [i, w] of [out, ...perReplica].entries()) {
    const bad = portProblem((w.real as ServerFields).port, i, count);
    if (bad) problems.push({ where: { in: 'server', path: origin(['port']) }, message: bad });
  }
  if (problems.length > 0) return { problems };

  for (const name of resolved.secretNames) if (resolved.vars[name] !== undefined) secretValues.add(String(resolved.vars[name]));
  const spec = normalize(input, String(version.real), out.real as ServerFields);
  // a credential header (Authorization, X-Api-Key...) is secret even when written as plain text
  for (const [k, v] of Object.entries(spec.headers ?? {})) if (looksSecret(k)) secretValues.add(v);
  const values = [...secretValues].filter((s) => s.length > 0);
  const cwdTemplated = typeof fields.cwd === 'string' && input.engine.isTemplate(fields.cwd);
  problems.push(...checkRendered(spec, cwdTemplated).map((p) => ({ where: { in: 'server' as const, path: origin(p.path) }, message: p.message })));
  const hostMask = new Masker(values);
  problems.push(
    ...checkCheckHosts(spec.health.checks, input.allowCheckHosts).map((p) => ({
      where: { in: 'server' as const, path: origin(p.path) },
      message: hostMask.text(p.message),
    })),
  );
  if (problems.length > 0) return { problems };
  // Values from secrets are already *** in the masked twin; a secret that also reaches it some
  // other way (the same text in a plain field or an Environment variable) is masked as well.
  const mask = new Masker(values);
  const masked = normalize(input, mask.text(String(version.masked)), mask.deep(out.masked) as ServerFields);
  const hashOf = (s: DesiredServer): string => specHash({ spec: { ...s, source: undefined, replicas: undefined }, workdir: input.workdirDigest });
  const replicaSpecs = perReplica.map((w): ReplicaRender => {
    const real = w.real as Pick<ServerFields, 'port' | 'env'>,
      shown = mask.deep(w.masked) as Pick<ServerFields, 'port' | 'env'>;
    const own = { ...spec, env: real.env ?? {}, ...(real.port !== undefined && { port: Number(real.port) }) };
    return { spec: own, masked: { ...masked, env: shown.env ?? {}, ...(own.port !== undefined && { port: own.port }) }, specHash: hashOf(own) };
  });
  const specHashOf = hashOf(spec);
  return {
    rendered: {
      spec,
      masked,
      specHash: specHashOf,
      secretValues: values,
      ...(replicaSpecs.length > 0 && { replicaSpecs: [{ spec, masked, specHash: specHashOf }, ...replicaSpecs] }),
    },
    problems,
  };
}

/** The fields each replica renders with its own {{ replica.index }}. */
const REPLICA_FIELDS: ReadonlySet<string> = new Set(['port', 'env']);

/** A templated port must render to a port number. */
function portProblem(port: unknown, index: number, count: number): string | undefined {
  if (typeof port !== 'string') return undefined;
  const n = Number(port.trim());
  if (port.trim() !== '' && Number.isInteger(n) && n >= 1 && n <= 65535) return undefined;
  const which = count > 1 ? ` for replica ${index}` : '';
  return `must render to a port number (1-65535); the template rendered "${port}"${which}`;
}

function normalize(input: RenderServerInput, version: string, f: ServerFields): DesiredServer {
  const transport = f.transport ?? (f.url !== undefined ? 'streamable-http' : 'stdio');
  return {
    name: input.name,
    labels: { ...input.labels },
    version,
    transport,
    ...(f.command !== undefined && { command: f.command }),
    args: f.args ?? [],
    ...(f.cwd !== undefined && { cwd: f.cwd }),
    ...(f.image !== undefined && { image: f.image }),
    ...(f.url !== undefined && { url: f.url }),
    ...(f.headers !== undefined && { headers: { ...f.headers } }),
    ...(f.port !== undefined && { port: Number(f.port) }),
    ...(f.replicas !== undefined && f.replicas > 1 && { replicas: f.replicas }),
    ...(transport !== 'stdio' && f.url === undefined && { path: f.path ?? (transport === 'sse' ? '/sse' : '/mcp') }),
    env: f.env ?? {},
    dependsOn: f.dependsOn ?? [],
    health: {
      timeoutSeconds: f.health?.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
      expectTools: f.health?.expectTools ?? [],
      stabilizationSeconds: f.health?.stabilizationSeconds ?? 0,
      ...(f.health?.checks !== undefined && f.health.checks.length > 0 && { checks: f.health.checks.map(normalizeCheck) }),
      ...(f.health?.restartsAllowed !== undefined && { restartsAllowed: f.health.restartsAllowed }),
    },
    rollout: {
      strategy: f.rollout?.strategy ?? 'blue-green',
      ...(f.rollout?.strategy === 'canary' && { canary: { ...CANARY_DEFAULTS, ...f.rollout.canary } }),
    },
    ...(f.gateway !== undefined && { gateway: { ...f.gateway } }),
    ...(f.tools !== undefined && { tools: structuredClone(f.tools) }),
    source: input.source,
  };
}

function normalizeCheck(c: HealthCheck, index: number): DesiredCheck {
  const common = {
    name: c.name ?? `${c.type}-${index}`,
    intervalSeconds: c.intervalSeconds ?? CHECK_DEFAULTS.intervalSeconds,
    timeoutSeconds: c.timeoutSeconds ?? CHECK_DEFAULTS.timeoutSeconds,
    retries: c.retries ?? CHECK_DEFAULTS.retries,
    critical: c.critical ?? CHECK_DEFAULTS.critical,
  };
  if (c.type === 'http') return { ...common, type: 'http', url: c.url, expectStatus: c.expectStatus ?? CHECK_DEFAULTS.expectStatus };
  if (c.type === 'tcp') return { ...common, type: 'tcp', host: c.host, port: c.port };
  return { ...common, type: 'command', command: [...c.command] };
}
