// Waiting on conditions with deadlines (no fixed sleeps).
export { waitFor } from '../../runtimes/process/helpers/system.js';

/** The rejection of `p` (fails when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}
