// `plan --server`: asks a running daemon for its plan (GET /plan). The daemon decides with its own
// runtime view, gated instances and restart backoff, exactly as its next sync will.
import type { PlanView } from '../plan/view.js';
import { UsageError } from './options.js';

const TIMEOUT_MS = 30_000;

export class DaemonPlanError extends Error {
  readonly code = 'DAEMON_PLAN_UNAVAILABLE';
}

export async function fetchDaemonPlan(base: string): Promise<PlanView> {
  let url: URL;
  try {
    url = new URL('plan', base.endsWith('/') ? base : `${base}/`);
  } catch {
    throw new UsageError(`--server must be a URL such as http://127.0.0.1:8080, got "${base}"`);
  }
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), headers: { accept: 'application/json' } });
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : e instanceof Error ? e.message : String(e);
    throw new DaemonPlanError(`cannot reach the daemon at ${url.origin}: ${cause}`);
  }
  const body = (await res.json().catch(() => null)) as (PlanView & { error?: string }) | null;
  if (!res.ok || body === null) throw new DaemonPlanError(`the daemon at ${url.origin} answered ${res.status}${body?.error ? `: ${body.error}` : ''}`);
  return { ...body, against: `the daemon at ${url.origin}: ${body.against}` };
}
