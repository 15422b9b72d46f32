// The spans of a sync, built from the reconciler's own event stream plus its step hook (here, not in
// src/telemetry, because the gateway imports telemetry and the reconciler imports the gateway):
// sync → fetch, validate, wave N → server start / gate, and revert → its servers. Starts without an
// event of their own (a server's start) begin where their wave began. Fetch and validate run before
// the sync is known to roll anything out: they are timed as they run (the reconciler's step hook)
// and become spans once `sync.started` (or the `sync.finished` of an invalid commit) says the sync
// is one; a poll that finds nothing new leaves no trace. Every text goes through the Masker.
import { context, ROOT_CONTEXT, SpanStatusCode, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { EventBus, ReconcileEvent } from '../reconciler/events.js';
import { ATTR } from '../telemetry/names.js';

interface Step {
  span: Span;
  ctx: Context;
  at: number;
}

interface TimedStep {
  name: 'fetch' | 'validate';
  start: number;
  end: number;
  failed: boolean;
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
  /** The reconciler's step hook: times a sync's fetch / validate (spans once the sync turns out to be one). */
  step<T>(syncId: number, step: 'fetch' | 'validate', run: () => Promise<T>): Promise<T>;
  /** Runs a server's health gate inside its open `gate` span (so the gate's steps become its children). */
  inGate<T>(server: string, fn: () => Promise<T>): Promise<T>;
  /** Unsubscribes and ends whatever sync is still open. */
  stop(): void;
}

export function traceSyncs(o: SyncSpansOptions): SyncSpans {
  const now = o.now ?? Date.now;
  let cur: SyncTrace | undefined;
  let early: { syncId: number; steps: TimedStep[] } | undefined;

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

  /** The sync's span, begun when its first step did, with the steps timed so far as children. */
  const begin = (e: { syncId: number; commit: string; reason?: string; result?: string; message?: string }): SyncTrace => {
    const steps = early?.syncId === e.syncId ? early.steps : [];
    early = undefined;
    const attrs = { [ATTR.syncId]: e.syncId, [ATTR.commit]: e.commit, ...(e.reason !== undefined && { [ATTR.reason]: o.mask(e.reason) }) };
    const root = open('sync', ROOT_CONTEXT, attrs, steps[0]?.start);
    for (const t of steps) {
      const span = o.tracer.startSpan(t.name, { startTime: t.start }, root.ctx);
      // an invalid commit's validate returned its errors rather than throwing them
      const invalid = t.name === 'validate' && e.result === 'invalid';
      if (t.failed || invalid) span.setStatus({ code: SpanStatusCode.ERROR, ...(invalid && { message: o.mask(e.message ?? '') }) });
      if (invalid) span.setAttribute('error.type', 'ValidationFailed');
      span.end(t.end);
    }
    return { id: e.syncId, root, gates: new Map() };
  };

  const on = (e: ReconcileEvent): void => {
    switch (e.type) {
      case 'sync.started':
        if (cur) finish(cur);
        cur = begin(e);
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
        // an invalid commit (or one that could not be loaded) ends before it starts: its sync is its fetch and validate
        if (!cur && early?.syncId === e.syncId) cur = begin(e);
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
    async step(syncId, name, run) {
      if (early?.syncId !== syncId) early = { syncId, steps: [] };
      const steps = early.steps;
      const start = now();
      let failed = true;
      try {
        const out = await run();
        failed = false;
        return out;
      } finally {
        steps.push({ name, start, end: now(), failed });
      }
    },
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
