// Checks only the rendered values can answer: what a template produced for cwd, and characters no
// process can be started with. Caught here, a bad value is a validation error of the commit
// (`invalid`, nothing touched) instead of a start failure that triggers a revert.
import type { DesiredServer } from '../spec/desired.js';
import type { PathSegment } from '../spec/positions.js';
import { CWD_ESCAPE_MESSAGE, escapesRoot } from '../spec/relative-path.js';

export interface RenderedProblem {
  path: PathSegment[];
  message: string;
}

const NUL_MESSAGE = 'must not contain a NUL character (\\0): no process can be started with it';

/** `cwdTemplated`: the written cwd was a template (a plain one was checked before rendering). */
export function checkRendered(spec: DesiredServer, cwdTemplated: boolean): RenderedProblem[] {
  const out: RenderedProblem[] = [];
  const nul = (v: string | undefined, path: PathSegment[]): void => {
    if (v?.includes('\u0000')) out.push({ path, message: NUL_MESSAGE });
  };
  nul(spec.command, ['command']);
  spec.args.forEach((a, i) => nul(a, ['args', i]));
  nul(spec.cwd, ['cwd']);
  nul(spec.image, ['image']);
  for (const [k, v] of Object.entries(spec.env)) nul(v, ['env', k]);
  if (spec.url !== undefined && !isHttpUrl(spec.url)) out.push({ path: ['url'], message: 'must be an absolute http:// or https:// URL' });
  for (const [k, v] of Object.entries(spec.headers ?? {}))
    if (/[\r\n\u0000]/.test(v)) out.push({ path: ['headers', k], message: 'must not contain a line break or NUL character' });
  if (cwdTemplated && spec.cwd !== undefined && escapesRoot(spec.cwd))
    out.push({ path: ['cwd'], message: `${CWD_ESCAPE_MESSAGE}; the template rendered to one that is not` });
  return out;
}

function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.host !== '';
  } catch {
    return false;
  }
}
