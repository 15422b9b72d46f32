// HTTP the way attackers and broken clients send it: raw bytes over a socket, at their own pace.
import { connect, type Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

export interface RawAnswer {
  /** The status code of the first response line; 0 when the server closed without answering. */
  status: number;
  text: string;
  /** The server closed the connection (rather than the deadline passing). */
  closed: boolean;
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
}

/** Sends `head` (and `body`), then collects the answer until the server closes or `timeoutMs` passes. */
export async function rawRequest(port: number, head: string, body?: Buffer, timeoutMs = 5000): Promise<RawAnswer> {
  const s = await open(port);
  let text = '';
  s.on('data', (b: Buffer) => {
    text += b.toString('latin1');
  });
  const closed = new Promise<boolean>((resolve) => {
    s.once('close', () => resolve(true));
  });
  s.on('error', () => undefined); // a reset while we still write is an answer too
  s.write(head);
  if (body) s.write(body);
  const done = await Promise.race([closed, delay(timeoutMs).then(() => false)]);
  s.destroy();
  return { status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0), text, closed: done };
}

/**
 * A slow client: sends `head`, then `drip` one byte every `everyMs`, for at most `forMs`.
 * Resolves with whether the server cut the connection before the client gave up, and when.
 */
export async function slowClient(
  port: number,
  head: string,
  drip: string,
  everyMs: number,
  forMs: number,
): Promise<{ cut: boolean; afterMs: number; text: string }> {
  const s = await open(port);
  const t0 = Date.now();
  let text = '';
  let cut = false;
  s.on('data', (b: Buffer) => {
    text += b.toString('latin1');
  });
  s.on('error', () => undefined);
  s.once('close', () => {
    cut = true;
  });
  s.write(head);
  for (let i = 0; !cut && Date.now() - t0 < forMs; i++) {
    await delay(everyMs); // the client's pace is the point of the test, not a synchronization
    if (!cut) s.write(drip[i % drip.length]);
  }
  const afterMs = Date.now() - t0;
  s.destroy();
  return { cut, afterMs, text };
}
