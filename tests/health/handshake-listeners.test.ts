// The handshake retries an http server that is not answering yet (a port-forward refused again and
// again); each attempt must leave no abort listener behind on the gate's signal, however many
// attempts there are. The leak once came from the SDK, which never removes the listener it adds to
// a request's signal: 11 retries were enough for a MaxListenersExceededWarning.
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Clock } from '../../src/health/clock.js';
import { FailureLatch } from '../../src/health/gate-failure.js';
import { handshake } from '../../src/health/handshake.js';
import type { Runtime } from '../../src/runtimes/runtime.js';

/** Starts fine, then every message it is asked to send fails (the forward closed under it). */
function refusingTransport(): Transport {
  return {
    start: () => Promise.resolve(),
    send: () => Promise.reject(new Error('fetch failed: other side closed')),
    close: () => Promise.resolve(),
  };
}

/** Time that passes only when slept through: the deadline never comes during the test. */
function steppingClock(): Clock {
  let t = 0;
  return {
    now: () => t,
    sleep: (ms) => {
      t += ms;
      return Promise.resolve();
    },
  };
}

const ATTEMPTS = 40;

describe('handshake retries', () => {
  it(`${ATTEMPTS} failed attempts leave the gate's signal with as many abort listeners as the first, and warn nothing`, async () => {
    const latch = new FailureLatch();
    const counts: number[] = [];
    const runtime = {
      connect: () => {
        counts.push(getEventListeners(latch.signal, 'abort').length);
        if (counts.length === ATTEMPTS) latch.fail('timeout', 'enough attempts');
        return Promise.resolve(refusingTransport());
      },
    } as unknown as Runtime;
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w);
    };
    process.on('warning', onWarning);
    try {
      const failed = await handshake({
        runtime,
        instanceId: 'i1',
        retry: true,
        latch,
        clock: steppingClock(),
        deadline: Number.MAX_SAFE_INTEGER,
        clientInfo: { name: 'test', version: '1' },
        onAttemptFailed: () => undefined,
      }).catch((e: unknown) => e);
      expect(failed).toMatchObject({ code: 'timeout' });
      // a warning is emitted on the next tick: let it arrive before looking
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    expect(counts).toHaveLength(ATTEMPTS);
    expect(new Set(counts)).toEqual(new Set([counts[0]]));
    expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
  });
});
