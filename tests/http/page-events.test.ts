// The status page follows /events by name (every frame carries `event: <type>`): its list of types
// must be the reconciler's, or a new event never refreshes the page.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const quoted = (text: string, pattern: RegExp): string[] => [...new Set([...text.matchAll(pattern)].map((m) => m[1]))].sort();

describe('status page live updates', () => {
  it('listens to every event type the reconciler emits, and no other', () => {
    const page = readFileSync(new URL('../../src/http/page/live.js', import.meta.url), 'utf8');
    const list = page.slice(page.indexOf('TYPES = ['), page.indexOf('];'));
    const events = readFileSync(new URL('../../src/reconciler/events.ts', import.meta.url), 'utf8');
    const emitted = quoted(events, /type: '([a-zA-Z.]+)'/g);
    expect(emitted.length).toBeGreaterThan(20);
    expect(quoted(list, /'([a-zA-Z.]+)'/g)).toEqual(emitted);
  });
});
