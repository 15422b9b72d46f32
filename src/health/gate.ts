// The MCP health gate: handshake + tools/list within health.timeoutSeconds, every expectTools
// present, then healthy for stabilizationSeconds. It fails as soon as failure is certain (the
// instance exits, the caller cancels), not only at the deadline, and always closes its client.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { traceStep } from '../telemetry/step.js';
import { systemClock, type Clock } from './clock.js';
import { closeClient } from './close-client.js';
import { describeError, seconds } from './describe-error.js';
import { FailureLatch, GateFailure } from './gate-failure.js';
import type { GateOptions, GateResult } from './gate-types.js';
import { handshake } from './handshake.js';
import { runGateChecks } from './checks/gate-checks.js';
import { assertRunning, exitReason } from './instance-status.js';
import { listAllTools, missingTools } from './list-tools.js';
import { stabilize } from './stabilize.js';
import { surfaceOf } from '../tools/surface.js';

const DEFAULT_CLIENT_INFO = { name: 'mcp-gitops-health-gate', version: '1' };

export async function runGate(o: GateOptions): Promise<GateResult> {
  const clock = o.clock ?? systemClock;
  const { runtime, instanceId, server } = o;
  const { timeoutSeconds, expectTools, stabilizationSeconds } = server.health;
  const latch = new FailureLatch();
  const unsubscribe = runtime.onExit((info) => {
    if (info.id === instanceId) latch.fail('exited', exitReason(runtime, info.message));
  });
  const onAbort = (): void => latch.fail('cancelled', 'health gate cancelled');
  o.signal?.addEventListener('abort', onAbort, { once: true });
  if (o.signal?.aborted) onAbort();

  const timeoutMs = timeoutSeconds * 1000;
  const deadline = clock.now() + timeoutMs;
  const deadlineTimer = new AbortController();
  let phase: 'handshake' | 'tools/list' = 'handshake';
  let lastAttemptError: string | undefined;
  void clock.sleep(timeoutMs, AbortSignal.any([deadlineTimer.signal, latch.signal])).then(() => {
    if (deadlineTimer.signal.aborted) return;
    latch.fail(
      'timeout',
      phase === 'handshake'
        ? `no MCP handshake within ${seconds(timeoutSeconds)}${lastAttemptError ? ` (last error: ${lastAttemptError})` : ''}`
        : `tools/list did not answer within ${seconds(timeoutSeconds)}`,
    );
  });

  let client: Client | undefined;
  try {
    await latch.guard(assertRunning(runtime, instanceId));
    client = await traceStep('handshake', () =>
      handshake({
        runtime,
        instanceId,
        latch,
        clock,
        deadline,
        retry: server.transport !== 'stdio',
        clientInfo: o.clientInfo ?? DEFAULT_CLIENT_INFO,
        onAttemptFailed: (error) => {
          lastAttemptError = error;
          o.logger?.debug({ instanceId, error }, 'MCP handshake attempt failed; retrying');
        },
      }),
    );
    phase = 'tools/list';
    const c = client;
    const tools = await traceStep('tools/list', () => latch.guard(listAllTools(c, latch.signal, Math.max(1, deadline - clock.now()) + 1000)));
    deadlineTimer.abort();
    const missing = missingTools(expectTools, tools);
    if (missing.length > 0) throw new GateFailure('missing-tools', `expectTools missing ${missing.join(', ')}`);
    if (server.health.checks) await runGateChecks(server, o.checks ?? { env: server.env, cwd: process.cwd() }, latch, clock);
    if (stabilizationSeconds > 0) {
      await stabilize({
        client,
        runtime,
        instanceId,
        latch,
        clock,
        durationMs: stabilizationSeconds * 1000,
        pingEveryMs: o.stabilizationPingMs ?? 1000,
        pingTimeoutMs: Math.max(1000, timeoutMs),
      });
    }
    o.logger?.info({ instanceId, server: server.name, tools: tools.length }, 'health gate passed');
    return { ok: true, tools, surface: surfaceOf(tools) };
  } catch (err) {
    const failure = latch.failure ?? (await exitedSoon(latch, err, clock)) ?? (await explain(o, err));
    o.logger?.warn({ instanceId, server: server.name, reason: failure.reason }, 'health gate failed');
    return { ok: false, reason: failure.reason, code: failure.code };
  } finally {
    deadlineTimer.abort();
    unsubscribe();
    o.signal?.removeEventListener('abort', onAbort);
    if (client) await closeClient(client);
  }
}

/**
 * A server that exits at start breaks the handshake first (EPIPE, connection closed): its exit is
 * reported a moment later, and on a busy machine that moment can pass the failed step. The exit
 * (with the server's last stderr line) says more than the symptom, so a failed handshake or a
 * transport error waits briefly for it. A gate's own verdicts (missing tools, a failed check) do not.
 */
const EXIT_GRACE_MS = 2000;

async function exitedSoon(latch: FailureLatch, err: unknown, clock: Clock): Promise<GateFailure | undefined> {
  if (err instanceof GateFailure && err.code !== 'handshake-failed') return undefined;
  await clock.sleep(EXIT_GRACE_MS, latch.signal);
  return latch.failure;
}

/** A step failed without tripping the latch: prefer what the runtime knows (it exited) over the symptom. */
async function explain(o: GateOptions, err: unknown): Promise<GateFailure> {
  try {
    await assertRunning(o.runtime, o.instanceId);
  } catch (state) {
    if (state instanceof GateFailure) return state;
  }
  if (err instanceof GateFailure) return err;
  return new GateFailure('unhealthy', `health check failed: ${describeError(err)}`);
}
