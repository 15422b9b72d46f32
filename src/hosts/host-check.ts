// DNS-rebinding protection: a web page the user visits may resolve its own name to 127.0.0.1 and
// POST to the daemon; the browser then sends that page's name in Host (and its origin in Origin).
// Only the daemon's own host names pass: localhost, 127.0.0.1, [::1] and --host, with any port (as
// the MCP SDK's hostHeaderValidation compares them), plus --allowed-hosts; an Origin, when sent, must
// name one of those hosts or be one of --allowed-origins. Clients that send no Origin (non-browser
// MCP clients, curl, webhooks) are judged by Host alone. See docs/reference/gateway.md.
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface HostPolicyOptions {
  /** The address the daemon listens on (--host); a wildcard (0.0.0.0, ::) adds nothing. */
  host?: string;
  /** More host names (no port), e.g. the name a reverse proxy forwards; `*` accepts any Host. */
  allowedHosts?: readonly string[];
  /** More origins (scheme://host[:port]) a browser page may call from; `*` accepts any Origin. */
  allowedOrigins?: readonly string[];
}

export interface HostRefusal {
  header: 'host' | 'origin';
  message: string;
}

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];
const WILDCARDS = new Set(['0.0.0.0', '[::]', '']);

/** `example.com`, `Example.com:8080`, `::1`, `[::1]:80` → the hostname as URL spells it, or undefined. */
function hostnameOf(value: string): string | undefined {
  const v = value.trim();
  const bracketed = v.includes(':') && !v.startsWith('[') && v.split(':').length > 2 ? `[${v}]` : v;
  try {
    return new URL(`http://${bracketed}`).hostname;
  } catch {
    return undefined;
  }
}

function originOf(value: string): string | undefined {
  try {
    const u = new URL(value.trim());
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

export class HostPolicy {
  private readonly hosts = new Set<string>();
  private readonly origins = new Set<string>();
  private readonly anyHost: boolean;
  private readonly anyOrigin: boolean;

  constructor(o: HostPolicyOptions = {}) {
    const extra = (o.allowedHosts ?? []).map((h) => h.trim()).filter((h) => h !== '');
    this.anyHost = extra.includes('*');
    for (const h of [...LOOPBACK, ...(o.host !== undefined ? [o.host] : []), ...extra]) {
      const name = hostnameOf(h);
      if (name !== undefined && !WILDCARDS.has(name)) this.hosts.add(name);
    }
    const origins = (o.allowedOrigins ?? []).map((x) => x.trim()).filter((x) => x !== '');
    this.anyOrigin = origins.includes('*');
    for (const x of origins) {
      const origin = originOf(x);
      if (origin !== undefined) this.origins.add(origin);
    }
  }

  /** Accepts every Host and Origin (a listener no browser can reach, e.g. inside a pod). */
  static open(): HostPolicy {
    return new HostPolicy({ allowedHosts: ['*'], allowedOrigins: ['*'] });
  }

  /** Why these request headers are refused, or undefined when they pass. */
  check(headers: IncomingHttpHeaders): HostRefusal | undefined {
    const host = headers.host;
    if (!this.anyHost) {
      const name = host === undefined ? undefined : hostnameOf(host);
      if (name === undefined || !this.hosts.has(name)) {
        return {
          header: 'host',
          message: `Forbidden: Host header ${host === undefined ? 'missing' : `"${host.slice(0, 200)}"`} is not one of this daemon's host names; add it with --allowed-hosts`,
        };
      }
    }
    const raw = headers.origin;
    if (raw === undefined || this.anyOrigin) return undefined;
    const origin = originOf(raw);
    const ok = origin !== undefined && (this.origins.has(origin) || this.hosts.has(new URL(origin).hostname));
    if (!ok) return { header: 'origin', message: `Forbidden: Origin "${raw.slice(0, 200)}" is not allowed; add it with --allowed-origins` };
    return undefined;
  }
}

/** The refusal as a JSON-RPC error body (what the MCP SDK's own check answers, with our code). */
export function refusalBody(r: HostRefusal): object {
  return {
    jsonrpc: '2.0',
    id: null,
    error: { code: -32000, message: r.message, data: { code: r.header === 'host' ? 'FORBIDDEN_HOST' : 'FORBIDDEN_ORIGIN', header: r.header } },
  };
}

/** A fastify onRequest hook answering 403 to a request whose Host or Origin the policy refuses. */
export function hostGuard(policy: HostPolicy) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const refusal = policy.check(req.headers);
    if (refusal)
      await reply
        .code(403)
        .header('content-type', 'application/json')
        .send(JSON.stringify(refusalBody(refusal)));
  };
}
