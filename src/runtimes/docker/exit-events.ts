// Follows the engine's event stream for `die` of our containers (label filters), so an exit is
// known at once, not at the next poll. When the stream breaks (engine restarted, socket reset) it
// reconnects with backoff and asks for the events since the last one it saw, so none is lost.
import type Dockerode from 'dockerode';
import type { Logger } from '../logger.js';
import { withAnswerTimeout } from './answer-timeout.js';
import { engineError } from './engine-error.js';

export interface DieEvent {
  id: string;
  exitCode: number | null;
  /** The container's labels, as the engine reports them with the event. */
  labels: Record<string, string>;
}

export interface ExitEventsOptions {
  docker: Dockerode;
  where: string;
  filters: string[];
  logger: Logger;
  onDie: (e: DieEvent) => void;
  requestTimeoutMs: number;
}

const MAX_BACKOFF_MS = 5000;

/** What docker-modem hands back for a streaming request: an http.IncomingMessage. */
type EventStream = NodeJS.ReadableStream & { destroy(): void };

export class ExitEvents {
  private stream: EventStream | undefined;
  private stopped = false;
  private since: number | undefined;
  private retry: NodeJS.Timeout | undefined;
  private backoffMs = 100;

  constructor(private readonly o: ExitEventsOptions) {}

  /** Resolves once the engine streams events to us; rejects (typed) when it cannot be reached. */
  async start(): Promise<void> {
    await this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    this.stream?.destroy();
    this.stream = undefined;
  }

  private async connect(): Promise<void> {
    const since = this.since ?? Date.now() / 1000;
    let stream: EventStream;
    try {
      stream = await withAnswerTimeout(
        this.o.requestTimeoutMs,
        async (abortSignal) =>
          (await this.o.docker.getEvents({
            filters: { type: ['container'], event: ['die'], label: this.o.filters },
            since,
            abortSignal,
          })) as EventStream,
      );
    } catch (err) {
      throw engineError(err, { what: 'follow container events', where: this.o.where });
    }
    if (this.stopped) {
      stream.destroy();
      return;
    }
    this.since ??= since;
    this.stream = stream;
    this.backoffMs = 100;
    let pending = '';
    stream.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      for (let nl = pending.indexOf('\n'); nl !== -1; nl = pending.indexOf('\n')) {
        this.onLine(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
      }
    });
    stream.on('error', (err: Error) => this.o.logger.debug({ err }, 'docker event stream error'));
    stream.on('close', () => this.onBroken(stream));
    stream.on('end', () => this.onBroken(stream));
  }

  private onLine(line: string): void {
    if (line.trim() === '') return;
    let e: { Action?: string; status?: string; id?: string; timeNano?: number; time?: number; Actor?: { ID?: string; Attributes?: Record<string, string> } };
    try {
      e = JSON.parse(line) as typeof e;
    } catch {
      this.o.logger.debug({ line }, 'unparsable docker event');
      return;
    }
    if (typeof e.timeNano === 'number') this.since = e.timeNano / 1e9;
    else if (typeof e.time === 'number') this.since = e.time;
    const id = e.Actor?.ID ?? e.id;
    if ((e.Action ?? e.status) !== 'die' || !id) return;
    const attrs = e.Actor?.Attributes ?? {};
    const code = Number(attrs.exitCode);
    this.o.onDie({ id, exitCode: attrs.exitCode !== undefined && Number.isInteger(code) ? code : null, labels: attrs });
  }

  private onBroken(stream: EventStream): void {
    if (this.stream !== stream || this.stopped) return;
    this.stream = undefined;
    this.o.logger.warn({ where: this.o.where }, 'docker event stream ended; reconnecting');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.retry = setTimeout(() => {
      this.connect().catch((err: unknown) => {
        this.o.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'docker event stream: reconnect failed; retrying');
        this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
        this.scheduleReconnect();
      });
    }, this.backoffMs);
    this.retry.unref();
  }
}
