// Where health checks may reach: loopback unless --allow-check-hosts lists more. Checked on the
// rendered values (a template may produce the host), so a check aimed elsewhere is a validation
// error of the commit, named by file, field and reason, before anything runs.
import type { DesiredCheck } from '../spec/desired.js';
import type { PathSegment } from '../spec/positions.js';

export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', '::1', 'localhost'];

export interface HostProblem {
  path: PathSegment[];
  message: string;
}

/** `[::1]` -> `::1`, lower case. */
function bare(host: string): string {
  const h = host.trim().toLowerCase();
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

/** Whether a check may reach `host`: loopback, a listed host, or anything when the list has `*`. */
export function checkHostAllowed(host: string, allowed: readonly string[] = []): boolean {
  const h = bare(host);
  return LOOPBACK_HOSTS.includes(h) || allowed.some((a) => a === '*' || bare(a) === h);
}

function refused(host: string): string {
  return `host ${JSON.stringify(host)} is not loopback (${LOOPBACK_HOSTS.join(', ')}): health checks reach other hosts only when --allow-check-hosts lists them`;
}

/** Problems of each http and tcp check of a server (command checks run locally, whatever they reach). */
export function checkCheckHosts(checks: readonly DesiredCheck[] | undefined, allowed: readonly string[] = []): HostProblem[] {
  const out: HostProblem[] = [];
  (checks ?? []).forEach((c, i) => {
    const at: PathSegment[] = ['health', 'checks', i];
    if (c.type === 'tcp' && !checkHostAllowed(c.host, allowed)) out.push({ path: [...at, 'host'], message: refused(c.host) });
    if (c.type !== 'http') return;
    let url: URL;
    try {
      url = new URL(c.url);
    } catch {
      out.push({ path: [...at, 'url'], message: 'must be an absolute http:// or https:// URL' });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      out.push({ path: [...at, 'url'], message: `must be http:// or https://, got ${url.protocol}//` });
    else if (!checkHostAllowed(url.hostname, allowed)) out.push({ path: [...at, 'url'], message: refused(url.hostname) });
  });
  return out;
}
