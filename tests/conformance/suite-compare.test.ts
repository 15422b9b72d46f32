// The comparison behind the conformance test: what counts as lost through the gateway, and how the
// suite's own listing and result directories are read (so new scenarios count without edits).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { failures, parseScenarioList, readResults, regressions, scenarioOfDir, type Check, type SuiteResult } from './helpers/suite.js';

const ok = (id: string): Check => ({ id, status: 'SUCCESS' });
const bad = (id: string, errorMessage = 'nope'): Check => ({ id, status: 'FAILURE', errorMessage });
const result = (entries: Record<string, Check[]>): SuiteResult => new Map(Object.entries(entries));

describe('conformance suite results', () => {
  it('reads the scenario list from `conformance list --server`', () => {
    const text =
      'Server scenarios (test against a server):\n  - server-initialize [2025-06-18,2025-11-25]\n  - dns-rebinding-protection [2025-11-25]\n  - brand-new-thing\n';
    expect(parseScenarioList(text)).toEqual(['server-initialize', 'dns-rebinding-protection', 'brand-new-thing']);
  });

  it('maps result directories to scenarios, dashes in names included', () => {
    expect(scenarioOfDir('server-tools-call-with-progress-2026-12-02T00-39-46-073Z')).toBe('tools-call-with-progress');
    expect(scenarioOfDir('server-ping-2026-12-02T00-39-44-687Z')).toBe('ping');
    expect(scenarioOfDir('client-ping-2026-12-02T00-39-44-687Z')).toBeUndefined();
    const dir = mkdtempSync(join(tmpdir(), 'conformance-results-'));
    try {
      mkdirSync(join(dir, 'server-ping-2026-12-02T00-39-44-687Z'));
      writeFileSync(join(dir, 'server-ping-2026-12-02T00-39-44-687Z', 'checks.json'), JSON.stringify([ok('ping')]));
      expect(readResults(dir)).toEqual(result({ ping: [ok('ping')] }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reports a check that passes directly but not through the gateway, with the suite's message", () => {
    const direct = result({ a: [ok('a1'), bad('a2')], b: [ok('b1')], c: [ok('c1')] });
    const through = result({ a: [bad('a1', 'got 200'), ok('a2')], b: [ok('b1')] });
    expect(regressions(['a', 'b', 'c'], direct, through)).toEqual([
      { scenario: 'a', check: 'a1', got: 'FAILURE: got 200' },
      { scenario: 'c', check: 'c1', got: 'no such check recorded' },
    ]);
  });

  it('counts a check id recorded several times: each direct pass must pass through too', () => {
    const direct = result({ s: [ok('x'), ok('x')] });
    expect(regressions(['s'], direct, result({ s: [ok('x'), bad('x')] }))).toHaveLength(1);
    expect(regressions(['s'], direct, result({ s: [ok('x'), ok('x')] }))).toEqual([]);
  });

  it('compares exactly the listed scenarios', () => {
    const direct = result({ listed: [ok('l')], unlisted: [ok('u')] });
    expect(regressions(['listed'], direct, result({}))).toEqual([{ scenario: 'listed', check: 'l', got: 'no such check recorded' }]);
  });

  it('a scenario that must pass fails on any failed check, or when it recorded none', () => {
    expect(failures(result({ d: [ok('d1'), { id: 'i', status: 'INFO' }] }), 'd')).toEqual([]);
    expect(failures(result({ d: [ok('d1'), bad('d2', 'got 200')] }), 'd')).toEqual([{ scenario: 'd', check: 'd2', got: 'FAILURE: got 200' }]);
    expect(failures(result({ d: [{ id: 'i', status: 'INFO' }] }), 'd')).toEqual([{ scenario: 'd', check: '*', got: 'no checks recorded' }]);
    expect(failures(result({}), 'd')).toHaveLength(1);
  });
});
