// Waits for a condition with a deadline (no fixed sleeps).
export async function waitFor(condition: () => boolean, timeoutMs: number, what = 'condition'): Promise<number> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Date.now() - start;
}
