// A tcp check: it passes when a connection to host:port opens (it is closed at once).
import { connect } from 'node:net';
import type { DesiredCheck } from '../../spec/desired.js';

type TcpCheck = Extract<DesiredCheck, { type: 'tcp' }>;

export function tcpAttempt(c: TcpCheck, signal: AbortSignal): Promise<string | undefined> {
  return new Promise((resolveAttempt, reject) => {
    const host = c.host.startsWith('[') && c.host.endsWith(']') ? c.host.slice(1, -1) : c.host;
    const socket = connect({ host, port: c.port });
    const onAbort = (): void => {
      socket.destroy();
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const done = (err?: Error): void => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (err) reject(err);
      else resolveAttempt(undefined);
    };
    socket.once('connect', () => done());
    socket.once('error', (e) => done(e));
  });
}
