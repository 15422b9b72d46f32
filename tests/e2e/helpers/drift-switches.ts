// The switches the drifting-tools fixture polls (its DRIFT_TRIGGER_URL): GET /<name> answers 204 once
// the test flipped <name>, 404 before. Over loopback HTTP, so a switch reaches the fixture on every
// runtime (a docker runtime's container shares the host's network; a host path does not exist in it).
// A switch stays flipped: a server started after the flip (a new version, a restart) starts drifted.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DriftSwitches {
  /** The DRIFT_TRIGGER_URL of switch `name`. */
  url(name: string): string;
  flip(name: string): void;
  close(): Promise<void>;
}

export async function driftSwitches(): Promise<DriftSwitches> {
  const on = new Set<string>();
  const server = createServer((req, res) => {
    res.writeHead(on.has(decodeURIComponent((req.url ?? '/').slice(1))) ? 204 : 404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: (name) => `${base}/${encodeURIComponent(name)}`,
    flip: (name) => void on.add(name),
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
