// The daemon's attachment to a stdio container: one hijacked connection carrying the container's
// stdin one way and its multiplexed stdout/stderr the other. stdout is demultiplexed into the
// process runtime's StdioChannel (newline-delimited JSON-RPC, one attached MCP client at a time);
// stderr is left to the container's log. Ending the attachment leaves the container running
// (it is created with StdinOnce=false), so a later attachment can take over.
import { PassThrough, Writable, type Duplex } from 'node:stream';
import type Dockerode from 'dockerode';
import type { Logger } from '../logger.js';
import { StdioChannel } from '../stdio-channel.js';

/** docker-modem's demuxStream: splits the multiplexed stream into stdout and stderr. */
type Demux = (source: Duplex, stdout: Writable, stderr: Writable) => void;

export class StdioAttachment {
  readonly channel: StdioChannel;
  /** Resolves when the connection to the engine is gone (container exit, engine restart, detach). */
  readonly closed: Promise<void>;
  private ended = false;

  private constructor(
    private readonly socket: Duplex,
    demux: Demux,
    logger: Logger,
    id: string,
  ) {
    const stdout = new PassThrough();
    const stderr = new Writable({ write: (_chunk, _enc, done) => done() });
    (socket as unknown as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
    this.channel = new StdioChannel(socket, stdout, logger, id);
    this.closed = new Promise((resolveClosed) => {
      socket.once('close', () => {
        stdout.end();
        resolveClosed();
      });
    });
    socket.on('error', (err) => logger.debug({ id, err }, 'stdio attachment error'));
    demux(socket, stdout, stderr);
  }

  /** Attaches to a created (or running) container's stdin/stdout/stderr. */
  static async open(container: Dockerode.Container, logger: Logger, id: string, signal: AbortSignal): Promise<StdioAttachment> {
    // `signal` must not be aborted once this resolved (see withAnswerTimeout): it would cut the connection.
    const socket = (await container.attach({
      stream: true,
      stdin: true,
      stdout: true,
      stderr: true,
      hijack: true,
      abortSignal: signal,
    })) as unknown as Duplex;
    const modem = (container as unknown as { modem: { demuxStream: Demux } }).modem;
    return new StdioAttachment(socket, (...a) => modem.demuxStream(...a), logger, id);
  }

  get isOpen(): boolean {
    return !this.ended && !this.socket.destroyed;
  }

  /** Closes whoever is attached to the channel (they see the connection close). */
  endChannel(): void {
    this.channel.end();
  }

  /** Lets go of the container: the channel ends, the container keeps running. */
  detach(): void {
    if (this.ended) return;
    this.ended = true;
    this.channel.end();
    this.socket.destroy();
  }
}
