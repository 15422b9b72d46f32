// Is something already answering on 127.0.0.1:<port>? Used before starting an http server: if an
// older instance still holds the port, the new one would fail to bind while a health gate talking
// to the port would reach the OLD one and pass. Refusing the start makes that impossible.
import { connect } from 'node:net';

export function isPortListening(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect({ port, host });
    const done = (listening: boolean): void => {
      socket.destroy();
      resolvePromise(listening);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
