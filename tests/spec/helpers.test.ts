// Small pieces every message depends on: hints, field paths, positions, ordering.
import { LineCounter, parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { closest, didYouMean } from '../../src/spec/did-you-mean.js';
import { formatPath, positionOf } from '../../src/spec/positions.js';
import { formatSpecError, sortSpecErrors, type SpecError } from '../../src/spec/spec-error.js';

describe('did you mean', () => {
  const fields = ['version', 'transport', 'command', 'args', 'cwd', 'env', 'variables', 'dependsOn', 'timeoutSeconds'];

  it('suggests typos, case slips and abbreviations', () => {
    expect(closest('comand', fields)).toBe('command');
    expect(closest('dependOn', fields)).toBe('dependsOn');
    expect(closest('Version', fields)).toBe('version');
    expect(closest('vars', fields)).toBe('variables');
    expect(closest('timeout', fields)).toBe('timeoutSeconds');
  });

  it('prefers a typo over an abbreviation', () => {
    expect(closest('arg', ['args', 'arguments-list'])).toBe('args');
  });

  it('stays quiet when nothing is close, and never suggests the word itself', () => {
    expect(closest('image_pull_policy', fields)).toBeUndefined();
    expect(closest('ab', ['xy'])).toBeUndefined();
    expect(closest('env', ['env'])).toBeUndefined();
    expect(didYouMean('zzz', fields)).toBe('');
    expect(didYouMean('evn', fields)).toBe(' (did you mean "env"?)');
  });
});

describe('formatPath', () => {
  it('writes dotted names, indexes and quoted odd keys', () => {
    expect(formatPath([])).toBe('-');
    expect(formatPath(['spec', 'args', 0])).toBe('spec.args[0]');
    expect(formatPath(['metadata', 'labels', 'app.kubernetes.io/name'])).toBe('metadata.labels["app.kubernetes.io/name"]');
    expect(formatPath(['spec', 'env', 'LOG-LEVEL'])).toBe('spec.env.LOG-LEVEL');
    expect(formatPath(['spec', 'env', '1X'])).toBe('spec.env["1X"]');
  });
});

describe('positionOf', () => {
  const text = 'apiVersion: v\nspec:\n  env:\n    A: "1"\n  args:\n    - x\n    - { k: v }\n  empty:\n';
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  const pos = (path: (string | number)[], atKey = false): string => {
    const p = positionOf(doc, lc, path, atKey);
    return `${p.line}:${p.col}`;
  };

  it('points at values, or at keys when asked', () => {
    expect(pos(['spec', 'env', 'A'])).toBe('4:8');
    expect(pos(['spec', 'env', 'A'], true)).toBe('4:5');
    expect(pos(['spec', 'args', 1, 'k'])).toBe('7:12');
  });

  it('points a missing field at the key of its deepest existing parent', () => {
    expect(pos(['spec', 'env', 'B'])).toBe('3:3');
    expect(pos(['spec', 'version'])).toBe('2:1');
    expect(pos(['kind'])).toBe('1:1');
    expect(pos(['spec', 'args', 1, 'missing'])).toBe('7:7');
    expect(pos(['spec', 'args', 9])).toBe('5:3');
  });

  it('points an empty value at its key', () => {
    expect(pos(['spec', 'empty'])).toBe('8:3');
  });
});

describe('sortSpecErrors', () => {
  const e = (file: string, line: number, col: number, message = 'm'): SpecError => ({ file, line, col, field: 'f', message });

  it('sorts by file, line, column and drops exact duplicates', () => {
    const sorted = sortSpecErrors([e('b.yaml', 1, 1), e('a.yaml', 10, 1), e('a.yaml', 2, 5), e('a.yaml', 2, 3), e('a.yaml', 2, 3)]);
    expect(sorted.map(formatSpecError)).toEqual(['a.yaml:2:3: f: m', 'a.yaml:2:5: f: m', 'a.yaml:10:1: f: m', 'b.yaml:1:1: f: m']);
  });
});
