// Snapshot files -> validated, rendered desired state. The one pure entry point the CLI and the
// reconciler share: a commit is applied only if this returns no errors.
import { createHash } from 'node:crypto';
import type { RenderedServer } from '../spec/desired.js';
import type { RenderedNotifier } from '../spec/desired-notifier.js';
import { checkServers, type OverlaidServer, type RuntimeKind } from '../spec/check-servers.js';
import { waves } from '../spec/graph.js';
import { errorAt, loadSpecs } from '../spec/load.js';
import { overlay } from '../spec/overlay.js';
import { createParseCache, type ParseCache } from '../spec/parse-cache.js';
import { createSchemaValidator, type SchemaValidator } from '../spec/schema-validator.js';
import { sortSpecErrors, type SpecError } from '../spec/spec-error.js';
import type { SpecFile } from '../spec/yaml-docs.js';
import { renderNotifier } from './render-notifier.js';
import { renderServer } from './render-server.js';
import { withoutDaemonSecrets, type SecretReader } from './secrets.js';
import { createTemplateEngine, type TemplateEngine } from './template.js';

export interface CompileInput {
  files: readonly SpecFile[];
  symlinks?: readonly string[];
  /** The --path the files were read from, relative to the repo root ('.' = root). */
  basePath?: string;
}

export interface CompileOptions {
  environment?: string;
  secrets: SecretReader;
  runtime?: RuntimeKind;
  /** --allow-check-hosts: hosts beside loopback that health checks may reach (`*` = any). */
  allowCheckHosts?: readonly string[];
}

export interface DesiredState {
  /** Enabled servers, in dependency-wave order. */
  servers: RenderedServer[];
  /** Names kept in git with `enabled: false`. */
  disabled: string[];
  /** Notifier documents, rendered (absent when there are none). */
  notifiers?: RenderedNotifier[];
  errors: SpecError[];
  /** Documents skipped as another tool's YAML (apiVersion outside mcp-gitops/), one note each; absent when none. */
  skipped?: SpecError[];
}

/** Reusable compiler: keeps the compiled JSON Schemas, the template cache and the parsed files between commits. */
export interface Compiler {
  compile(input: CompileInput, options: CompileOptions): DesiredState;
}

/** `base/rel` normalized (`.` and `..` resolved; cwd was checked to stay inside base). */
function joinPath(base: string, rel: string): string {
  const out: string[] = [];
  for (const p of [...base.split('/'), ...rel.split(/[\\/]/)]) {
    if (p === '..') out.pop();
    else if (p !== '' && p !== '.') out.push(p);
  }
  return out.join('/');
}

function digestUnder(files: readonly SpecFile[], dir: string): string {
  const prefix = dir === '' ? '' : `${dir}/`;
  const h = createHash('sha256');
  for (const f of [...files].filter((x) => x.path.startsWith(prefix)).sort((a, b) => (a.path < b.path ? -1 : 1))) {
    // Length-prefixed, so no two different file sets hash alike; the mode counts (chmod +x rolls it).
    h.update(`${f.path}\0${f.executable === true ? 'x' : '-'}\0${f.content.byteLength}\0`).update(f.content);
  }
  return h.digest('hex').slice(0, 16);
}

export function createCompiler(deps: { validator?: SchemaValidator; engine?: TemplateEngine } = {}): Compiler {
  const validator = deps.validator ?? createSchemaValidator();
  const engine = deps.engine ?? createTemplateEngine();
  const parsed = createParseCache();
  return { compile: (input, options) => compileWith(validator, engine, parsed, input, options) };
}

function compileWith(validator: SchemaValidator, engine: TemplateEngine, parsed: ParseCache, input: CompileInput, options: CompileOptions): DesiredState {
  const loaded = loadSpecs(input, validator, parsed);
  const secrets = withoutDaemonSecrets(options.secrets);
  const errors = [...loaded.errors];
  const env = options.environment;
  const envDoc = env === undefined ? undefined : loaded.environments.find((e) => e.name === env);
  const overlaid: OverlaidServer[] = loaded.servers.map((s) => ({ loaded: s, overlaid: overlay(s.value.spec, env) }));
  errors.push(...checkServers(overlaid, loaded.invalidServerNames, options.runtime));

  const servers: RenderedServer[] = [];
  const disabled: string[] = [];
  for (const s of overlaid) {
    if (s.overlaid.fields.enabled === false) {
      disabled.push(s.loaded.name);
      continue;
    }
    const doc = s.loaded.doc;
    const cwd = s.overlaid.fields.cwd;
    const result = renderServer({
      name: s.loaded.name,
      labels: s.loaded.value.metadata.labels ?? {},
      fields: s.overlaid.fields,
      origin: s.overlaid.origin,
      source: { file: doc.file, line: doc.nameLine },
      environmentName: env,
      environment: envDoc?.value,
      secrets,
      engine,
      ...(cwd !== undefined && { workdirDigest: digestUnder(input.files, joinPath(input.basePath ?? '.', cwd)) }),
      ...(options.allowCheckHosts && { allowCheckHosts: options.allowCheckHosts }),
    });
    for (const p of result.problems) {
      const target = p.where.in === 'environment' && envDoc ? envDoc.doc : doc;
      errors.push(errorAt(target, p.where.path, p.message));
    }
    if (result.rendered) servers.push(result.rendered);
  }
  const notifiers: RenderedNotifier[] = [];
  for (const n of loaded.notifiers) {
    const r = renderNotifier({ notifier: n.value, environmentName: env, environment: envDoc?.value, secrets, engine });
    errors.push(...r.problems.map((p) => errorAt(n.doc, p.path, p.message)));
    if (r.rendered) notifiers.push(r.rendered);
  }
  const skipped = loaded.skipped.length > 0 ? { skipped: sortSpecErrors(loaded.skipped) } : {};
  if (errors.length > 0) return { servers: [], disabled, errors: sortSpecErrors(errors), ...skipped };
  const order = waves(new Map(servers.map((s) => [s.spec.name, s.spec.dependsOn]))).flat();
  const byName = new Map(servers.map((s) => [s.spec.name, s]));
  return {
    servers: order.map((n) => byName.get(n)!),
    disabled: disabled.sort(),
    ...(notifiers.length > 0 && { notifiers }),
    errors: [],
    ...skipped,
  };
}
