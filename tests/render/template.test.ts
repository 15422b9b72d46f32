import { describe, expect, it } from 'vitest';
import { createCompiler } from '../../src/render/desired-state.js';
import { staticSecrets } from '../../src/render/secrets.js';
import { createTemplateEngine, freeSymbols, TemplateError } from '../../src/render/template.js';
import { files } from '../helpers/spec-files.js';

const ctx = { vars: { a: 'x' }, secrets: {}, environment: 'dev', server: { name: 's', version: '1' } };

describe('template engine', () => {
  it('recognizes template syntax; plain strings skip nunjucks', () => {
    const e = createTemplateEngine();
    expect(e.isTemplate('{{ vars.a }}')).toBe(true);
    expect(e.isTemplate('{% if x %}{% endif %}')).toBe(true);
    expect(e.isTemplate('{# note #}')).toBe(true);
    expect(e.isTemplate('a { b } %')).toBe(false);
  });

  it('compiles each source once and serves repeats from the cache', () => {
    const e = createTemplateEngine();
    expect(e.render('{{ vars.a }}', ctx)).toBe('x');
    expect(e.render('{{ vars.a }}', { ...ctx, vars: { a: 'y' } })).toBe('y');
    expect(e.stats()).toEqual({ compiled: 1, cached: 1 });
    e.render('{{ vars.a | upper }}', ctx);
    expect(e.stats()).toEqual({ compiled: 2, cached: 2 });
  });

  it('caches failures too: a broken template is parsed once and fails the same way every time', () => {
    const e = createTemplateEngine();
    const err = (): string => {
      try {
        e.render('{{ nope }}', ctx);
        return 'rendered';
      } catch (x) {
        return x instanceof TemplateError ? x.message : 'other';
      }
    };
    expect(err()).toBe('undefined name "nope" (templates see vars, secrets, environment, server)');
    expect(err()).toBe(err());
    expect(e.stats()).toEqual({ compiled: 1, cached: 1 });
  });

  it('empties the cache when it is full instead of growing without bound', () => {
    const e = createTemplateEngine({ maxCached: 3 });
    for (let i = 0; i < 7; i++) e.render(`{{ vars.a }}${i}`, ctx);
    expect(e.stats().compiled).toBe(7);
    expect(e.stats().cached).toBeLessThanOrEqual(3);
  });

  it('keeps compiled templates across commits when the compiler is reused', () => {
    const engine = createTemplateEngine();
    const compiler = createCompiler({ engine });
    const spec =
      'apiVersion: mcp-gitops/v1\nkind: MCPServer\nmetadata: { name: a }\nspec:\n  version: "1"\n  command: x\n  args: ["{{ server.name }}", "{{ environment }}", plain]\n';
    const input = { files: files({ 'a.yaml': spec }) };
    expect(compiler.compile(input, { secrets: staticSecrets({}) }).errors).toEqual([]);
    const first = engine.stats().compiled;
    expect(first).toBe(2);
    compiler.compile(input, { secrets: staticSecrets({}), environment: 'prod' });
    expect(engine.stats().compiled).toBe(first);
  });

  it('allows only the context names, set/for names and loop', () => {
    const e = createTemplateEngine();
    expect(e.render('{% set x = vars.a %}{% for c in [1, 2] %}{{ x }}{{ loop.index }}{% endfor %}', ctx)).toBe('x1x2');
    expect(() => e.render('{{ range }}', ctx)).toThrow('undefined name "range"');
    const narrow = createTemplateEngine({ names: ['only'] });
    expect(() => narrow.render('{{ vars.a }}', ctx)).toThrow('undefined name "vars" (templates see only)');
  });
});

describe('freeSymbols', () => {
  it('lists top-level names read but not defined, without filter or test names', () => {
    expect(freeSymbols('{% set a = b %}{{ a | upper }}{% for i in c %}{{ i }}{% endfor %}{{ d is defined }}')).toEqual(['b', 'c', 'd']);
  });
});
