// Reads one sample of the Prometheus text an app serves at /metrics (undefined: no such sample).
import type { FastifyInstance } from 'fastify';

export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = m[2] ? m[2].split(',') : [];
    if (have.length === want.length && want.every((l) => have.includes(l))) return Number(m[3]);
  }
  return undefined;
}

export async function metric(app: FastifyInstance, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  return sample((await app.inject({ method: 'GET', url: '/metrics' })).body, name, labels);
}
