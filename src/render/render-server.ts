// Renders one environment-overlaid MCPServer into its desired form: variables resolved and typed,
// every string value through nunjucks (after YAML parsing), defaults applied, secrets masked on the
// display twin.
import { DEFAULT_TIMEOUT_SECONDS, type DesiredServer, type RenderedServer } from '../spec/desired.js';
import { didYouMean } from '../spec/did-you-mean.js';
import type { Environment, ServerFields } from '../spec/generated.js';
import type { PathSegment } from '../spec/positions.js';
import { buildContext, type ContextInput, type Recorder } from './context.js';
import type { SecretReader } from './secrets.js';
import { specHash } from './spec-hash.js';
import { freeSymbols, TemplateError, type TemplateEngine } from './template.js';
import { resolveVariables, type VariableProblem } from './variables.js';

const CONTEXT_NAMES = ['vars', 'secrets', 'environment', 'server'];

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
}

function explain(e: unknown, src: string, rec: Recorder, known: Record<string, readonly string[]>, secrets: SecretReader): string {
  const msg = e instanceof Error ? e.message : String(e);
  for (const m of rec.missing) {
    const [scope, name] = [m.slice(0, m.indexOf('.')), m.slice(m.indexOf('.') + 1)];
    if (scope === 'secrets') return `secret "${name}" not found (${secrets.describe(name)})`;
    return `undefined ${scope === 'vars' ? 'variable' : 'name'} "${m}"${didYouMean(name, known[scope] ?? [])}`;
  }
  if (e instanceof TemplateError && /null or undefined/.test(msg)) {
    const free = freeSymbols(src).filter((s) => !CONTEXT_NAMES.includes(s));
    if (free.length > 0) return `undefined name "${free[0]}"${didYouMean(free[0], CONTEXT_NAMES)} (templates see vars, secrets, environment, server)`;
    return 'template produced an undefined value';
  }
  return msg;
}

type Walked = { real: unknown; masked: unknown };

export function renderServer(input: RenderServerInput): { rendered?: RenderedServer; problems: RenderProblem[] } {
  const { fields, origin } = input;
  const problems: RenderProblem[] = [];
  const declared = fields.variables ?? [];
  const resolved = resolveVariables(declared, input.environment, input.secrets,
    (i, f) => origin(f === undefined ? ['variables', i] : ['variables', i, f]));
  problems.push(...resolved.problems.map((p: VariableProblem) => ({ where: p.where, message: p.message })));
  if (problems.length > 0) return { problems };

  const rawVersion = fields.version ?? '';
  const ctxInput: ContextInput = {
    vars: resolved.vars, secretVarNames: resolved.secretNames, secrets: input.secrets,
    environment: input.environmentName ?? '', server: { name: input.name, version: rawVersion },
  };
  const known = { vars: Object.keys(resolved.vars), server: ['name', 'version'], secrets: [] };
  const secretValues = new Set<string>();

  const renderString = (src: string, path: PathSegment[]): Walked => {
    if (!input.engine.isTemplate(src)) return { real: src, masked: src };
    const out: Partial<Walked> = {};
    for (const masked of [false, true]) {
      const rec: Recorder = { missing: new Set(), secretValues: new Set() };
      try {
        out[masked ? 'masked' : 'real'] = input.engine.render(src, buildContext(ctxInput, masked, rec));
        rec.secretValues.forEach((v) => secretValues.add(v));
      } catch (e) {
        problems.push({ where: { in: 'server', path: origin(path) }, message: explain(e, src, rec, known, input.secrets) });
        return { real: src, masked: src };
      }
    }
    return out as Walked;
  };
  const walk = (v: unknown, path: PathSegment[]): Walked => {
    if (typeof v === 'string') return renderString(v, path);
    if (Array.isArray(v)) {
      const items = v.map((x, i) => walk(x, [...path, i]));
      return { real: items.map((x) => x.real), masked: items.map((x) => x.masked) };
    }
    if (v && typeof v === 'object') {
      const entries = Object.entries(v).map(([k, x]) => [k, walk(x, [...path, k])] as const);
      return { real: Object.fromEntries(entries.map(([k, x]) => [k, x.real])), masked: Object.fromEntries(entries.map(([k, x]) => [k, x.masked])) };
    }
    return { real: v, masked: v };
  };

  const { variables: _vars, ...templated } = fields;
  const version = renderString(rawVersion, ['version']);
  ctxInput.server = { name: input.name, version: String(version.real) };
  const { version: _v, ...rest } = templated;
  const out = walk(rest, []);
  if (problems.length > 0) return { problems };

  const spec = normalize(input, String(version.real), out.real as ServerFields);
  const masked = normalize(input, String(version.masked), out.masked as ServerFields);
  const values = [...secretValues].filter((s) => s.length > 0);
  return {
    rendered: { spec, masked, specHash: specHash({ spec: { ...spec, source: undefined }, workdir: input.workdirDigest }), secretValues: values },
    problems,
  };
}

function normalize(input: RenderServerInput, version: string, f: ServerFields): DesiredServer {
  const transport = f.transport ?? 'stdio';
  return {
    name: input.name,
    labels: { ...input.labels },
    version,
    transport,
    ...(f.command !== undefined && { command: f.command }),
    args: f.args ?? [],
    ...(f.cwd !== undefined && { cwd: f.cwd }),
    ...(f.image !== undefined && { image: f.image }),
    ...(f.port !== undefined && { port: f.port }),
    ...(transport !== 'stdio' && { path: f.path ?? (transport === 'sse' ? '/sse' : '/mcp') }),
    env: f.env ?? {},
    dependsOn: f.dependsOn ?? [],
    health: {
      timeoutSeconds: f.health?.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
      expectTools: f.health?.expectTools ?? [],
      stabilizationSeconds: f.health?.stabilizationSeconds ?? 0,
    },
    rollout: { strategy: f.rollout?.strategy ?? 'blue-green' },
    source: input.source,
  };
}
