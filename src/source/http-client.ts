// isomorphic-git's Node HTTP client with an idle timeout: a remote that stops answering fails with
// ETIMEDOUT (a transient NETWORK error) instead of hanging the sync forever.
import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git';
import nodeHttp from 'isomorphic-git/http/node';

export const DEFAULT_NETWORK_TIMEOUT_MS = 60_000;

export function createHttpClient(idleTimeoutMs = DEFAULT_NETWORK_TIMEOUT_MS): HttpClient {
  return { request: (req) => requestWithIdleTimeout(req, idleTimeoutMs) };
}

async function requestWithIdleTimeout(req: GitHttpRequest, idleMs: number): Promise<GitHttpResponse> {
  const ctrl = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => ctrl.abort(timeoutError(idleMs)), idleMs);
    timer.unref(); // a response body nobody reads (e.g. a 401) must not keep the process alive
  };
  const disarm = (): void => clearTimeout(timer);
  const reason = (err: unknown): unknown => (ctrl.signal.aborted ? ctrl.signal.reason : err);
  arm();
  try {
    const res = await nodeHttp.request({ ...req, signal: ctrl.signal });
    arm();
    return res.body ? { ...res, body: watchBody(res.body, arm, disarm, reason) } : (disarm(), res);
  } catch (err) {
    disarm();
    throw reason(err);
  }
}

async function* watchBody(
  body: AsyncIterableIterator<Uint8Array>,
  onChunk: () => void,
  onEnd: () => void,
  reason: (err: unknown) => unknown,
): AsyncIterableIterator<Uint8Array> {
  try {
    for await (const chunk of body) {
      onChunk();
      yield chunk;
    }
  } catch (err) {
    throw reason(err);
  } finally {
    onEnd();
  }
}

function timeoutError(ms: number): Error {
  return Object.assign(new Error(`no data from the remote for ${ms} ms`), { code: 'ETIMEDOUT' });
}
