// The gate's part of health.checks: after the MCP handshake and tools/list, every critical check
// must pass (each with its retries, a second apart or its interval if shorter). Non-critical checks
// are not waited for: they only report, once the server runs.
import type { DesiredServer } from '../../spec/desired.js';
import type { Clock } from '../clock.js';
import { GateFailure, type FailureLatch } from '../gate-failure.js';
import type { CheckContext } from './check-context.js';
import { describeCheck, withRetries } from './run-check.js';

export const GATE_RETRY_GAP_MS = 1000;

export async function runGateChecks(server: DesiredServer, ctx: CheckContext, latch: FailureLatch, clock: Clock): Promise<void> {
  const critical = (server.health.checks ?? []).filter((c) => c.critical);
  if (critical.length === 0) return;
  const failures = await latch.guard(
    Promise.all(
      critical.map(async (c) => {
        const why = await withRetries(c, ctx, { clock, gapMs: Math.min(GATE_RETRY_GAP_MS, c.intervalSeconds * 1000), signal: latch.signal });
        return why === undefined ? undefined : `${describeCheck(c)} failed: ${why}`;
      }),
    ),
  );
  const failed = failures.filter((f): f is string => f !== undefined);
  if (failed.length > 0) throw new GateFailure('check-failed', failed.join('; '));
}
