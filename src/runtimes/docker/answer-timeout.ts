// Bounds how long we wait for the engine to answer a request. The signal is aborted only while the
// answer is awaited, never after: for streams (events, hijacked attach) a later abort would cut
// the stream itself. A timeout rejects with an error named TimeoutError (mapped to "did not answer"),
// also for calls that ignore the signal.

export async function withAnswerTimeout<T>(ms: number, request: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(Object.assign(new Error(`no answer within ${ms} ms`), { name: 'TimeoutError' }));
    }, ms);
  });
  try {
    return await Promise.race([request(controller.signal), timedOut]);
  } catch (err) {
    if (controller.signal.aborted) throw Object.assign(new Error(`no answer within ${ms} ms`), { name: 'TimeoutError', cause: err });
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
