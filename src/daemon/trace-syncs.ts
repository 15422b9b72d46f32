// The spans of a sync, built from the reconciler's own event stream (no hook in the reconciler; here,
// not in src/telemetry, because the gateway imports telemetry and the reconciler imports the gateway):
// sync → wave N → server start / gate, and revert → its servers. Starts without an event of their
// own (a server's start) begin where their wave began. Every text goes through the Masker.
import { context, ROOT_CONTEXT, SpanStatusCode, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { EventBus, ReconcileEvent } from '../reconciler/events.js';
import { ATTR } from '../telemetry/names.js';

interface Step {
  span: Span;
  ctx: Context;
  at: number;
}

interface SyncTrace {
  id: number;
  root: Step;
  wave?: Step;
  revert?: Step;
  gates: Map<string, Span>;
}

export interface SyncSpansOptions {
  tracer: Tracer;
  events: EventBus;
  mask: (text: string) => string;
  now?: () => number;
}

export interface SyncSpans {
  /** Runs a server's health gate inside its open `gate` span (so the gate's steps become its children). */
  inGate<T>(server: string, fn: () => Promise<T>): Promise<T>;
  /** Unsubscribes and ends whatever sync is still open. */
  stop(): void;
}

export function traceSyncs(o: SyncSpansOptions): SyncSpans {
  const now = o.now ?? Date.now;
  let cur: SyncTrace | undefined;

  const open = (name: string, parent: Context, attributes: Record<string, string | number | string[]>, startTime = now()): Step => {
    const span = o.tracer.startSpan(name, { attributes, startTime }, parent);
    return { span, ctx: trace.setSpan(parent, span), at: startTime };
  };
  const stage = (s: SyncTrace): Step => s.wave ?? s.revert ?? s.root;
  const closeGates = (s: SyncTrace): void => {
    for (const g of s.gates.values()) g.end();
    s.gates.clear();
  };
  const closeWave = (s: SyncTrace): void => {
    closeGates(s);
    s.wave?.span.end();
    s.wave = undefined;
  };
  const finish = (s: SyncTrace, result?: Extract<ReconcileEvent, { type: 'sync.finished' }>): void => {
    closeWave(s);
    s.revert?.span.end();
    if (result) {
      s.root.span.setAttributes({ [ATTR.result]: result.result, [ATTR.code]: result.code });
      if (result.result !== 'succeeded') s.root.span.setStatus({ code: SpanStatusCode.ERROR, message: o.mask(result.message) });
    }
    s.root.span.end();
  };

  const on = (e: ReconcileEvent): void => {
    switch (e.type) {
      case 'sync.started':
        if (cur) finish(cur);
        cur = {
          id: e.syncId,
          root: open('sync', ROOT_CONTEXT, { [ATTR.syncId]: e.syncId, [ATTR.commit]: e.commit, [ATTR.reason]: o.mask(e.reason) }),
          gates: new Map(),
        };
        return;
      case 'wave.started':
        if (!cur || cur.id !== e.syncId) return;
        closeWave(cur);
        cur.wave = open(`wave ${e.wave}`, (cur.revert ?? cur.root).ctx, {
          [ATTR.wave]: e.wave,
          'mcp_gitops.wave.of': e.of,
          'mcp_gitops.wave.servers': e.servers,
        });
        return;
      case 'revert.started':
        if (!cur || cur.id !== e.syncId) return;
        closeWave(cur);
        cur.revert = open('revert', cur.root.ctx, {
          'mcp_gitops.revert.from': e.from,
          'mcp_gitops.revert.to': e.to ?? '',
          [ATTR.code]: e.code,
        });
        return;
      case 'server.starting': {
        if (!cur) return;
        const parent = stage(cur);
        const attrs = { [ATTR.server]: e.server, [ATTR.version]: o.mask(e.version), [ATTR.instance]: e.instanceId ?? '' };
        open(`start ${e.server}`, parent.ctx, attrs, parent.at).span.end();
        cur.gates.get(e.server)?.end();
        cur.gates.set(e.server, open(`gate ${e.server}`, parent.ctx, attrs).span);
        return;
      }
      case 'server.verifying': {
        if (!cur) return;
        cur.gates.get(e.server)?.end();
        cur.gates.set(e.server, open(`gate ${e.server}`, stage(cur).ctx, { [ATTR.server]: e.server, [ATTR.instance]: e.instanceId }).span);
        return;
      }
      case 'gate.passed': {
        const g = cur?.gates.get(e.server);
        if (!g) return;
        g.setAttribute('mcp_gitops.tools.count', e.tools.length);
        g.end();
        cur!.gates.delete(e.server);
        return;
      }
      case 'gate.failed': {
        if (!cur) return;
        // a start that failed has no gate yet: its failure is the start's
        const g = cur.gates.get(e.server) ?? open(`start ${e.server}`, stage(cur).ctx, { [ATTR.server]: e.server }, stage(cur).at).span;
        g.setAttributes({ [ATTR.code]: e.code, 'error.type': e.code });
        g.setStatus({ code: SpanStatusCode.ERROR, message: o.mask(e.reason) });
        g.end();
        cur.gates.delete(e.server);
        return;
      }
      case 'sync.finished':
        if (!cur || cur.id !== e.syncId) return;
        finish(cur, e);
        cur = undefined;
        return;
      default:
        return;
    }
  };
  const off = o.events.on(on);
  return {
    inGate(server, fn) {
      const g = cur?.gates.get(server);
      return g ? context.with(trace.setSpan(ROOT_CONTEXT, g), fn) : fn();
    },
    stop() {
      off();
      if (cur) finish(cur);
      cur = undefined;
    },
  };
}
