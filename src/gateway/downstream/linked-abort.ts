// One AbortSignal that fires when any of several does, with listeners removed afterwards
// (a long-lived session signal must not collect one listener per request forever).
export interface LinkedAbort {
  signal: AbortSignal;
  dispose(): void;
}

export function linkAbort(signals: AbortSignal[]): LinkedAbort {
  const ctl = new AbortController();
  const undo: (() => void)[] = [];
  for (const s of signals) {
    if (s.aborted) {
      ctl.abort(s.reason);
      break;
    }
    const onAbort = (): void => ctl.abort(s.reason);
    s.addEventListener('abort', onAbort, { once: true });
    undo.push(() => s.removeEventListener('abort', onAbort));
  }
  return { signal: ctl.signal, dispose: () => undo.forEach((u) => u()) };
}
