// Live updates: GET /events (EventSource, every frame a named event of TYPES) says something happened; a slow poll besides, in case a
// proxy cuts the stream (?refresh=<seconds>, 0 = off).
export const TYPES = [
  'sync.started',
  'sync.finished',
  'wave.started',
  'server.starting',
  'server.waiting',
  'server.verifying',
  'gate.passed',
  'gate.failed',
  'server.removed',
  'server.tools',
  'revert.started',
  'drift.repaired',
  'server.crashed',
  'server.checkFailed',
  'server.toolDrift',
  'server.toolDriftCleared',
  'source.error',
  'sync.retrying',
  'sync.suspended',
  'sync.resumed',
  'writeback.pushed',
  'writeback.failed',
  'canary.step',
  'canary.judged',
  'canary.promoted',
  'canary.reverted',
];

/** Calls `changed` (debounced) on every event and every `every` seconds; `state` with "live" or "reconnecting". */
export function follow(changed, state, every) {
  let pending;
  const soon = () => {
    clearTimeout(pending);
    pending = setTimeout(changed, 150);
  };
  const es = new EventSource('events');
  es.onopen = () => state('live');
  es.onerror = () => state('reconnecting');
  for (const t of TYPES) es.addEventListener(t, soon);
  if (every > 0) setInterval(changed, every * 1000);
}
