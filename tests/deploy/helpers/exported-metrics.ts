// The metric names a real daemon exports: `# TYPE` lines of its /metrics (a histogram also gives
// _bucket, _sum and _count), read from a daemon started on a temp repository as the e2e tests do.
import { World } from '../../e2e/helpers/world.js';

export function namesFromExposition(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\w+)$/gm)) {
    const [, name, type] = m;
    names.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
    if (type === 'summary') for (const s of ['_sum', '_count']) names.add(name + s);
  }
  return names;
}

export async function exportedMetricNames(): Promise<Set<string>> {
  const w = new World();
  try {
    w.repo.commit({ 'README.md': 'no servers yet\n' });
    const d = await w.start();
    const res = await fetch(`${d.url}/metrics`);
    if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
    return namesFromExposition(await res.text());
  } finally {
    await w.cleanup();
  }
}
