// Renders one Notifier document: url, secret and server globs through nunjucks (secrets, the
// Environment's variables and the environment name), defaults applied, a masked twin for display.
import { NOTIFY_EVENTS, type DesiredNotifier, type RenderedNotifier } from '../spec/desired-notifier.js';
import type { Environment, Notifier } from '../spec/generated.js';
import type { PathSegment } from '../spec/positions.js';
import { buildContext, type Recorder } from './context.js';
import { Masker, secretPieces } from './mask.js';
import type { SecretReader } from './secrets.js';
import type { TemplateEngine } from './template.js';

export interface NotifierProblem {
  path: PathSegment[];
  message: string;
}

export interface RenderNotifierInput {
  notifier: Notifier;
  environmentName: string | undefined;
  environment: Environment | undefined;
  secrets: SecretReader;
  engine: TemplateEngine;
}

export function renderNotifier(input: RenderNotifierInput): { rendered?: RenderedNotifier; problems: NotifierProblem[] } {
  const { spec, metadata } = input.notifier;
  const problems: NotifierProblem[] = [];
  const secretValues = new Set<string>();
  const ctxInput = {
    vars: input.environment?.spec.variables ?? {},
    secretVarNames: new Set<string>(),
    secrets: input.secrets,
    environment: input.environmentName ?? '',
    server: { name: metadata.name, version: '' },
  };
  const render = (src: string, path: PathSegment[]): { real: string; masked: string } => {
    if (!input.engine.isTemplate(src)) return { real: src, masked: src };
    const out = { real: src, masked: src };
    for (const masked of [false, true]) {
      const rec: Recorder = { missing: new Set(), secretValues: new Set() };
      try {
        out[masked ? 'masked' : 'real'] = input.engine.render(src, buildContext(ctxInput, masked, rec));
        rec.secretValues.forEach((v) => secretValues.add(v));
      } catch (e) {
        const missing = [...rec.missing][0];
        const why =
          missing?.startsWith('secrets.') === true
            ? input.secrets.describe(missing.slice('secrets.'.length))
            : missing !== undefined
              ? `undefined name "${missing}"`
              : e instanceof Error
                ? e.message
                : String(e);
        problems.push({ path, message: new Masker([...secretValues, ...rec.secretValues]).text(why) });
        return { real: src, masked: src };
      }
    }
    for (const piece of secretPieces(out.real, out.masked)) secretValues.add(piece);
    return out;
  };
  const url = render(spec.url, ['spec', 'url']);
  const secret = spec.secret === undefined ? undefined : render(spec.secret, ['spec', 'secret']);
  const servers = (spec.servers ?? ['*']).map((g, i) => render(g, ['spec', 'servers', i]));
  if (problems.length > 0) return { problems };
  if (!/^https?:\/\/[^/?#\s]/i.test(url.real)) {
    problems.push({
      path: ['spec', 'url'],
      message: new Masker(secretValues).text(`must render to an http:// or https:// URL, got ${JSON.stringify(url.masked)}`),
    });
    return { problems };
  }
  // the signing key is secret whatever it was written as; so is a url that holds one
  if (secret) secretValues.add(secret.real);
  const values = [...secretValues].filter((v) => v.length > 0);
  const mask = new Masker(values);
  const base = { name: metadata.name, type: spec.type, events: [...(spec.events ?? NOTIFY_EVENTS)] };
  const real: DesiredNotifier = { ...base, url: url.real, servers: servers.map((s) => s.real), ...(secret && { secret: secret.real }) };
  const masked: DesiredNotifier = {
    ...base,
    url: mask.text(url.masked),
    servers: servers.map((s) => mask.text(s.masked)),
    ...(secret && { secret: '***' }),
  };
  return { rendered: { spec: real, masked, secretValues: values }, problems };
}
