// One POST of one notification. 2xx = delivered; 408, 429, 5xx and network errors may pass on a
// retry; any other answer will not (a wrong URL or a refused signature stays wrong).
import { describeError } from '../health/describe-error.js';
import { SIGNATURE_HEADER, signature } from './payload.js';

export type Attempt = { ok: true; status: number } | { ok: false; retry: boolean; status?: number; error: string };

export interface PostOptions {
  url: string;
  body: string;
  secret?: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export async function post(o: PostOptions): Promise<Attempt> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'mcp-gitops-notifier' };
  if (o.secret !== undefined) headers[SIGNATURE_HEADER] = signature(o.body, o.secret);
  const timeout = AbortSignal.timeout(o.timeoutMs);
  try {
    const res = await fetch(o.url, {
      method: 'POST',
      headers,
      body: o.body,
      redirect: 'manual',
      signal: o.signal ? AbortSignal.any([o.signal, timeout]) : timeout,
    });
    await res.body?.cancel().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
    const retry = res.status === 408 || res.status === 429 || res.status >= 500;
    return { ok: false, retry, status: res.status, error: `answered ${res.status}` };
  } catch (e) {
    if (timeout.aborted && !o.signal?.aborted) return { ok: false, retry: true, error: `no answer within ${o.timeoutMs / 1000}s` };
    return { ok: false, retry: !o.signal?.aborted, error: describeError(e) };
  }
}
