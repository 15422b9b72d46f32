// A Server-Sent Events reader over real HTTP: frames parsed as they arrive (with the local time each
// arrived), the raw text kept for greps, and waits on conditions with deadlines.
import { get, type ClientRequest, type IncomingMessage } from 'node:http';
import { waitFor } from './wait-for.js';

export interface SseEvent {
  id: string;
  event: string;
  data: Record<string, unknown>;
  /** Date.now() when the frame arrived. */
  receivedAt: number;
}

export class SseStream {
  readonly events: SseEvent[] = [];
  /** Everything the server sent, comments included. */
  raw = '';
  private buf = '';
  private req: ClientRequest | undefined;

  /** Connects and resolves once the response headers arrived (the subscription is live). */
  static open(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
    const s = new SseStream();
    return new Promise((resolve, reject) => {
      s.req = get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res: IncomingMessage) => {
        if (res.statusCode !== 200) reject(new Error(`${url} answered ${String(res.statusCode)}`));
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => s.feed(chunk));
        resolve(s);
      });
      s.req.on('error', reject);
    });
  }

  private feed(chunk: string): void {
    this.raw += chunk;
    this.buf += chunk;
    let i;
    while ((i = this.buf.indexOf('\n\n')) >= 0) {
      const block = this.buf.slice(0, i);
      this.buf = this.buf.slice(i + 2);
      const fields = new Map<string, string>();
      for (const line of block.split('\n')) {
        const colon = line.indexOf(': ');
        if (line.startsWith(':') || colon < 0) continue;
        fields.set(line.slice(0, colon), line.slice(colon + 2));
      }
      const data = fields.get('data');
      if (data !== undefined)
        this.events.push({
          id: fields.get('id') ?? '',
          event: fields.get('event') ?? 'message',
          data: JSON.parse(data) as Record<string, unknown>,
          receivedAt: Date.now(),
        });
    }
  }

  /** Waits until `pred` over the events so far returns a value; throws with the event types seen. */
  until<T>(what: string, pred: (events: SseEvent[]) => T | undefined | null | false, timeoutMs = 30_000): Promise<T> {
    return waitFor(() => pred(this.events), { what, timeoutMs, intervalMs: 10 }).catch((e: unknown) => {
      throw new Error(`${e instanceof Error ? e.message : String(e)}; events: ${this.events.map((x) => `${x.id} ${x.event}`).join(', ')}`);
    });
  }

  /** The events of the given types, in arrival order. */
  ofType(...types: string[]): SseEvent[] {
    return this.events.filter((e) => types.includes(e.event));
  }

  close(): void {
    this.req?.destroy();
  }
}
