import { describe, expect, it } from 'vitest';
import { breakingChanges, describeBreaking } from '../../src/tools/breaking.js';

const obj = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ type: 'object', properties, ...extra });
const sum = obj({ a: { type: 'number' }, b: { type: 'number' } }, { required: ['a', 'b'] });

/** The details of the one tool `t` whose schema changed from `before` to `after`. */
function details(before: unknown, after: unknown): string[] {
  const changes = breakingChanges({ t: before }, { t: after });
  expect(changes.every((c) => c.kind === 'schema' && c.tool === 't')).toBe(true);
  return changes.flatMap((c) => c.details);
}

describe('breaking tool changes', () => {
  it('an unchanged or only widened surface is not breaking', () => {
    expect(breakingChanges({ sum, echo: obj({}) }, { sum, echo: obj({}), extra: obj({}) })).toEqual([]);
    // new optional property, required dropped, type and enum widened, bounds relaxed, additionalProperties lifted
    const before = obj(
      { a: { type: 'integer', enum: [1, 2], minimum: 1, maximum: 9 }, s: { type: 'string', maxLength: 5, pattern: '^a' } },
      { required: ['a'], additionalProperties: false },
    );
    const after = obj({ a: { type: ['number', 'string'], enum: [1, 2, 3], minimum: 0 }, s: { type: 'string', maxLength: 10 }, c: { type: 'string' } });
    expect(details(before, after)).toEqual([]);
  });

  it('a removed tool is breaking unless allowRemoved (or allowBreaking) names it', () => {
    expect(breakingChanges({ fetch: obj({}), sum }, { sum })).toEqual([{ tool: 'fetch', kind: 'removed', details: [] }]);
    expect(breakingChanges({ fetch: obj({}), sum }, { sum }, { allowRemoved: ['fetch'] })).toEqual([]);
    expect(breakingChanges({ fetch: obj({}), sum }, { sum }, { allowBreaking: ['fetch'] })).toEqual([]);
    expect(breakingChanges({ fetch: obj({}), sum }, { sum }, { allowRemoved: ['other'] })).toHaveLength(1);
  });

  it('a new required property, or one made required, is breaking', () => {
    const after = obj({ a: { type: 'number' }, b: { type: 'number' }, c: { type: 'number' } }, { required: ['a', 'b', 'c'] });
    expect(details(sum, after)).toEqual(['new required property "c"']);
    expect(details(obj({ a: { type: 'number' } }), obj({ a: { type: 'number' } }, { required: ['a'] }))).toEqual(['property "a" now required']);
  });

  it('allowBreaking waives schema changes of the tools it names only', () => {
    const after = obj({ a: { type: 'number' }, b: { type: 'number' }, c: { type: 'number' } }, { required: ['a', 'b', 'c'] });
    expect(breakingChanges({ sum, x: sum }, { sum: after, x: after }, { allowBreaking: ['sum'] }).map((c) => c.tool)).toEqual(['x']);
    expect(breakingChanges({ sum }, { sum: after }, { allowRemoved: ['sum'] })).toHaveLength(1);
  });

  it('a removed property is breaking, whether or not additional properties are allowed', () => {
    expect(details(sum, obj({ a: { type: 'number' } }, { required: ['a'] }))).toEqual(['removed property "b"']);
    expect(details(sum, obj({ a: { type: 'number' } }, { required: ['a'], additionalProperties: false }))).toEqual([
      'removed property "b"',
      'input no longer accepts additional properties',
    ]);
  });

  it('additionalProperties turned false is breaking', () => {
    expect(details(obj({}), obj({}, { additionalProperties: false }))).toEqual(['input no longer accepts additional properties']);
    expect(details(obj({}, { additionalProperties: false }), obj({}, { additionalProperties: false }))).toEqual([]);
  });

  it('a narrowed type is breaking; integer is narrower than number; no type means any', () => {
    expect(details(obj({ a: { type: ['string', 'number'] } }), obj({ a: { type: 'string' } }))).toEqual(['type of "a" narrowed from string|number to string']);
    expect(details(obj({ a: { type: 'number' } }), obj({ a: { type: 'integer' } }))).toEqual(['type of "a" narrowed from number to integer']);
    expect(details(obj({ a: { type: 'integer' } }), obj({ a: { type: 'number' } }))).toEqual([]);
    expect(details(obj({ a: {} }), obj({ a: { type: 'string' } }))).toEqual(['type of "a" narrowed to string']);
    expect(details({}, { type: 'object' })).toEqual(['type of input narrowed to object']);
  });

  it('a narrowed enum or const is breaking', () => {
    expect(details(obj({ m: { enum: ['a', 'b', 'c'] } }), obj({ m: { enum: ['a', 'c'] } }))).toEqual(['"m" no longer accepts "b"']);
    expect(details(obj({ m: { type: 'string' } }), obj({ m: { type: 'string', enum: ['a'] } }))).toEqual(['values of "m" restricted to "a"']);
    expect(details(obj({ m: { enum: ['a', 'b'] } }), obj({ m: { const: 'a' } }))).toEqual(['"m" no longer accepts "b"']);
    expect(details(obj({ m: { enum: [{ x: 1, y: 2 }] } }), obj({ m: { enum: [{ y: 2, x: 1 }] } }))).toEqual([]);
  });

  it('tighter bounds and a new or changed pattern are breaking', () => {
    const before = obj({ n: { type: 'number', minimum: 0, maximum: 10 }, s: { type: 'string', minLength: 1 }, l: { type: 'array', maxItems: 5 } });
    const after = obj({
      n: { type: 'number', minimum: 1, maximum: 9 },
      s: { type: 'string', minLength: 1, maxLength: 3, pattern: '^x' },
      l: { type: 'array', maxItems: 4 },
    });
    // properties in name order
    expect(details(before, after)).toEqual([
      'maxItems of "l" lowered to 4',
      'minimum of "n" raised to 1',
      'maximum of "n" lowered to 9',
      'maxLength of "s" lowered to 3',
      'pattern of "s" now "^x"',
    ]);
  });

  it('nested objects and array items are compared, with the path', () => {
    const before = obj({ filter: obj({ limit: { type: 'number' } }), ids: { type: 'array', items: { type: ['string', 'number'] } } });
    const after = obj({
      filter: obj({ limit: { type: 'integer' }, tag: { type: 'string' } }, { required: ['tag'] }),
      ids: { type: 'array', items: { type: 'string' } },
    });
    expect(details(before, after)).toEqual([
      'new required property "filter.tag"',
      'type of "filter.limit" narrowed from number to integer',
      'type of "ids[]" narrowed from string|number to string',
    ]);
  });

  it('schemas it cannot read (absent, not objects, combinators) are not breaking by themselves', () => {
    expect(details(undefined, undefined)).toEqual([]);
    expect(details({ anyOf: [{ type: 'string' }] }, { anyOf: [{ type: 'number' }] })).toEqual([]);
    expect(details('x', obj({}))).toEqual(['type of input narrowed to object']);
  });

  it('describes the list: removed tools first, then each narrowed tool', () => {
    const after = obj({ a: { type: 'number' }, b: { type: 'number' }, c: { type: 'number' } }, { required: ['a', 'b', 'c'] });
    const changes = breakingChanges({ fetch: obj({}), 'get-sum': sum, zap: obj({}) }, { 'get-sum': after });
    expect(describeBreaking(changes)).toBe('removed: fetch, zap; get-sum: new required property "c"');
    expect(describeBreaking([])).toBe('');
  });
});
