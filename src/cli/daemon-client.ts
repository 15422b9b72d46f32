// The CLI's side of a running daemon's HTTP API (docs/reference/cli-daemon.md): GET /status and
// POST /sync over fetch. The API token comes from MCP_GITOPS_API_TOKEN only and is never printed.
import type { HistoryEntry, Suspension } from '../state/model.js';
import type { ServerStatus, StatusView } from '../reconciler/status.js';
import { UsageError, str, type OptionTable, type Values } from './options.js';

export const DEFAULT_SERVER = 'http://127.0.0.1:8080';
export const TOKEN_ENV = 'MCP_GITOPS_API_TOKEN';
const REQUEST_TIMEOUT_MS = 10_000;

export const SERVER_OPTION = {
  server: { type: 'string', description: `URL of the running daemon (default ${DEFAULT_SERVER})` },
} satisfies OptionTable;

/** A `reason` the daemon may add (a short word from a fixed list); older daemons have none. */
type WithReason<T> = Omit<T, 'reason'> & { reason?: string | null };

/** GET /status as this CLI reads it: the daemon's StatusView, with `reason` wherever the daemon gives one. */
export interface DaemonStatus extends Omit<StatusView, 'servers' | 'history' | 'reason'> {
  reason?: string | null;
  servers: WithReason<ServerStatus>[];
  history: WithReason<HistoryEntry>[];
}

export type DaemonErrorCode = 'UNREACHABLE' | 'UNAUTHORIZED' | 'FORBIDDEN' | 'NO_TOKEN' | 'HTTP' | 'BAD_RESPONSE';

export class DaemonError extends Error {
  constructor(
    readonly code: DaemonErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface SyncQueued {
  queued: boolean;
  syncId: number;
  force: boolean;
}

/** POST /suspend's answer: the suspension in force, and whether this request made it. */
export interface Suspended {
  suspended: Suspension;
  changed: boolean;
}

/** POST /resume's answer: whether it was suspended, and the sync that applies the head. */
export interface Resumed {
  resumed: boolean;
  syncId: number;
}

/** The daemon URL from --server / MCP_GITOPS_SERVER, with a trailing slash so paths resolve under it. */
export function serverUrl(v: Values): URL {
  const raw = str(v, 'server') ?? DEFAULT_SERVER;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--server must be an http(s) URL such as ${DEFAULT_SERVER}, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--server must be an http(s) URL, got "${raw}"`);
  if (url.username || url.password) throw new UsageError(`--server must not carry credentials: put the API token in ${TOKEN_ENV}`);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

function causeCode(e: unknown): string {
  const cause = e instanceof Error ? (e.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  if (e instanceof Error && e.name === 'TimeoutError') return `no answer within ${REQUEST_TIMEOUT_MS / 1000}s`;
  return e instanceof Error ? e.message : String(e);
}

export class DaemonClient {
  constructor(
    readonly base: URL,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  static from(v: Values, env: NodeJS.ProcessEnv): DaemonClient {
    return new DaemonClient(serverUrl(v), env);
  }

  /** The daemon's address without a trailing slash, for messages. */
  get where(): string {
    return this.base.href.replace(/\/$/, '');
  }

  async status(): Promise<DaemonStatus> {
    const body = await this.request('GET', 'status');
    const s = body as Partial<DaemonStatus> | null;
    if (typeof s?.phase !== 'string' || typeof s.revision !== 'object' || s.revision === null || !Array.isArray(s.servers) || !Array.isArray(s.history)) {
      throw new DaemonError('BAD_RESPONSE', `${this.where}/status is not an mcp-gitops status: is --server the daemon's address?`);
    }
    return s as DaemonStatus;
  }

  async sync(force: boolean): Promise<SyncQueued> {
    const q = (await this.post('sync', { force })) as Partial<SyncQueued> | null;
    if (typeof q?.syncId !== 'number') throw new DaemonError('BAD_RESPONSE', `${this.where}/sync gave no sync id: is --server the daemon's address?`);
    return { queued: q.queued === true, syncId: q.syncId, force: q.force === true };
  }

  async suspend(reason: string | undefined): Promise<Suspended> {
    const a = (await this.post('suspend', reason === undefined ? {} : { reason })) as Partial<Suspended> | null;
    if (typeof a?.suspended?.by !== 'string')
      throw new DaemonError('BAD_RESPONSE', `${this.where}/suspend gave no suspension: is --server the daemon's address?`);
    return { suspended: a.suspended, changed: a.changed === true };
  }

  async resume(): Promise<Resumed> {
    const a = (await this.post('resume', {})) as Partial<Resumed> | null;
    if (typeof a?.syncId !== 'number') throw new DaemonError('BAD_RESPONSE', `${this.where}/resume gave no sync id: is --server the daemon's address?`);
    return { resumed: a.resumed === true, syncId: a.syncId };
  }

  /** POST a JSON body with the API token from MCP_GITOPS_API_TOKEN (every write route needs it). */
  async post(path: string, json: unknown): Promise<unknown> {
    const token = this.env[TOKEN_ENV];
    if (token === undefined || token === '') throw new DaemonError('NO_TOKEN', `${TOKEN_ENV} is not set: POST /${path} needs the daemon's API token`);
    return this.request('POST', path, json, token);
  }

  private async request(method: 'GET' | 'POST', path: string, json?: unknown, token?: string): Promise<unknown> {
    const url = new URL(path, this.base);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (json !== undefined) headers['content-type'] = 'application/json';
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers,
        ...(json !== undefined && { body: JSON.stringify(json) }),
        redirect: 'error',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (e) {
      throw new DaemonError(
        'UNREACHABLE',
        `cannot reach the mcp-gitops daemon at ${this.where} (${causeCode(e)}): give its address with --server or MCP_GITOPS_SERVER`,
      );
    }
    const text = await res.text();
    if (res.status === 401)
      throw new DaemonError(
        'UNAUTHORIZED',
        `the daemon at ${this.where} refused the API token (401): set ${TOKEN_ENV} to the token the daemon was started with`,
      );
    if (res.status === 403)
      throw new DaemonError(
        'FORBIDDEN',
        `the daemon at ${this.where} refused ${method} /${path} (403): ${errorText(text) ?? `it was started without ${TOKEN_ENV}`}`,
      );
    if (!res.ok) throw new DaemonError('HTTP', `${method} ${this.where}/${path} answered ${res.status}${errorText(text) ? `: ${errorText(text)}` : ''}`);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new DaemonError('BAD_RESPONSE', `${method} ${this.where}/${path} did not answer JSON: is --server the daemon's address?`);
    }
  }
}

/** The `error` field of a JSON error body, if any (our daemon's error bodies never carry secrets). */
function errorText(body: string): string | undefined {
  try {
    const e = (JSON.parse(body) as { error?: unknown }).error;
    return typeof e === 'string' ? e : undefined;
  } catch {
    return undefined;
  }
}
