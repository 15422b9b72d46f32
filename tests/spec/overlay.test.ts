import { describe, expect, it } from 'vitest';
import type { ServerSpec } from '../../src/spec/generated.js';
import { deepMerge, overlay } from '../../src/spec/overlay.js';

const spec: ServerSpec = {
  version: '1',
  command: 'node',
  args: ['server.js', '--verbose'],
  env: { LOG_LEVEL: 'info', REGION: 'eu' },
  port: 3000,
  transport: 'streamable-http',
  health: { timeoutSeconds: 5, expectTools: ['a', 'b'] },
  environments: {
    production: {
      args: ['server.js'],
      env: { LOG_LEVEL: 'warn' },
      health: { expectTools: ['a'] },
      port: 4000,
    },
    empty: {},
  },
};

describe('deepMerge', () => {
  it('merges mappings key by key, replaces lists and scalars', () => {
    expect(deepMerge({ m: { a: 1, b: 2 }, l: [1, 2, 3], s: 'x' }, { m: { b: 3, c: 4 }, l: [9], s: 'y' })).toEqual({ m: { a: 1, b: 3, c: 4 }, l: [9], s: 'y' });
  });

  it('keeps the base where the override has nothing, and never mutates its inputs', () => {
    const base = { m: { a: 1 } };
    const over = { m: { b: 2 } };
    const out = deepMerge(base, over);
    expect(out).toEqual({ m: { a: 1, b: 2 } });
    expect(base).toEqual({ m: { a: 1 } });
    expect(over).toEqual({ m: { b: 2 } });
    expect(deepMerge({ a: 1 }, undefined)).toEqual({ a: 1 });
  });

  it('lets a mapping replace a scalar and the other way round', () => {
    expect(deepMerge({ a: 'x' }, { a: { b: 1 } })).toEqual({ a: { b: 1 } });
    expect(deepMerge({ a: { b: 1 } }, { a: 'x' })).toEqual({ a: 'x' });
  });
});

describe('overlay', () => {
  it('without --env: the base spec without its environments, located under spec', () => {
    const o = overlay(spec, undefined);
    expect(o.fields).not.toHaveProperty('environments');
    expect(o.fields.env).toEqual({ LOG_LEVEL: 'info', REGION: 'eu' });
    expect(o.origin(['env', 'LOG_LEVEL'])).toEqual(['spec', 'env', 'LOG_LEVEL']);
  });

  it('with an environment that has no override: the base spec', () => {
    const o = overlay(spec, 'staging');
    expect(o.fields.port).toBe(3000);
    expect(o.origin(['port'])).toEqual(['spec', 'port']);
  });

  it('merges maps, replaces lists and scalars', () => {
    const o = overlay(spec, 'production');
    expect(o.fields.env).toEqual({ LOG_LEVEL: 'warn', REGION: 'eu' });
    expect(o.fields.args).toEqual(['server.js']);
    expect(o.fields.health).toEqual({ timeoutSeconds: 5, expectTools: ['a'] });
    expect(o.fields.port).toBe(4000);
    expect(o.fields.command).toBe('node');
    expect(spec.env).toEqual({ LOG_LEVEL: 'info', REGION: 'eu' });
  });

  it('locates each value where it was written: the override or the base', () => {
    const o = overlay(spec, 'production');
    const prod = ['spec', 'environments', 'production'];
    expect(o.origin(['env', 'LOG_LEVEL'])).toEqual([...prod, 'env', 'LOG_LEVEL']);
    expect(o.origin(['env', 'REGION'])).toEqual(['spec', 'env', 'REGION']);
    expect(o.origin(['args', 0])).toEqual([...prod, 'args', 0]);
    expect(o.origin(['health', 'expectTools', 0])).toEqual([...prod, 'health', 'expectTools', 0]);
    expect(o.origin(['health', 'timeoutSeconds'])).toEqual(['spec', 'health', 'timeoutSeconds']);
    expect(o.origin(['port'])).toEqual([...prod, 'port']);
    expect(o.origin(['command'])).toEqual(['spec', 'command']);
    expect(o.origin(['image'])).toEqual(['spec', 'image']);
    expect(o.origin([])).toEqual(['spec']);
  });

  it('an empty override changes nothing', () => {
    const o = overlay(spec, 'empty');
    expect(o.fields).toEqual(overlay(spec, undefined).fields);
    expect(o.origin(['port'])).toEqual(['spec', 'port']);
  });
});
