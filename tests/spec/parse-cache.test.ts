// A compiler keeps the files it parsed: a reused compiler must answer exactly as a fresh one would,
// errors located in files it did not parse again included.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createCompiler, type CompileOptions } from '../../src/render/desired-state.js';
import { staticSecrets } from '../../src/render/secrets.js';
import { createParseCache } from '../../src/spec/parse-cache.js';
import { createSchemaValidator } from '../../src/spec/schema-validator.js';
import { positionOf } from '../../src/spec/positions.js';
import { parseYamlFile } from '../../src/spec/yaml-docs.js';
import { files } from '../helpers/spec-files.js';
import { y } from './corpus/yaml.js';

const server = (name: string): string => y`
  apiVersion: mcp-gitops/v1
  kind: MCPServer
  metadata:
    name: ${name}
  spec:
    version: "1.0"
    command: node
    args: ["server.js", "--level={{ vars.level }}"]
    env:
      TOKEN: "{{ secrets.token }}"
    variables:
      - { name: level, default: info }
`;

const repo = {
  'servers/a.yaml': server('a'),
  'servers/b.yaml': `# comment first\n${server('b')}`,
  'env/prod.yaml': 'apiVersion: mcp-gitops/v1\nkind: Environment\nmetadata: { name: prod }\nspec:\n  variables: { level: warn }\n',
};
// one validator for every compiler (it keeps no files): only the parse cache differs
const validator = createSchemaValidator();
const fresh = (): ReturnType<typeof createCompiler> => createCompiler({ validator });
const ok: CompileOptions = { environment: 'prod', secrets: staticSecrets({ token: 'tok-123456' }), runtime: 'process' };

describe('a compiler reused across commits', () => {
  it('answers as a fresh compiler for the same files, an edited file, and errors in files it kept', () => {
    const reused = fresh();
    const steps: [Record<string, string>, CompileOptions][] = [
      [repo, ok],
      [repo, ok],
      [{ ...repo, 'servers/a.yaml': server('a').replace('"1.0"', '"1.1"') }, ok],
      // the secret is gone: the error points into b.yaml, which was not parsed again
      [repo, { ...ok, secrets: staticSecrets({}) }],
      // a new file repeats b's name: the message gives where b was first defined
      [{ ...repo, 'servers/c.yaml': server('b') }, ok],
      [{ ...repo, 'servers/a.yaml': 'apiVersion: mcp-gitops/v1\nkind: [' }, ok],
      [repo, ok],
    ];
    for (const [map, options] of steps) {
      const input = { files: files(map), basePath: '.' };
      expect(reused.compile(input, options)).toEqual(fresh().compile(input, options));
    }
    const errors = reused.compile({ files: files(repo), basePath: '.' }, { ...ok, secrets: staticSecrets({}) }).errors;
    expect(errors.map((e) => `${e.file}:${e.line}:${e.col} ${e.field}`)).toEqual([
      'servers/a.yaml:10:12 spec.env.TOKEN',
      'servers/b.yaml:11:12 spec.env.TOKEN',
    ]);
  });

  it('hands out values of its own: changing one result leaves the next compile alone', () => {
    const compiler = fresh();
    const input = { files: files(repo), basePath: '.' };
    const first = compiler.compile(input, ok);
    first.servers[0].spec.args.push('--changed');
    first.servers[0].spec.env.TOKEN = 'changed';
    first.servers[0].spec.labels.x = 'y';
    expect(compiler.compile(input, ok)).toEqual(fresh().compile(input, ok));
  });
});

describe('parse cache', () => {
  const [a, bad] = files({ 'a.yaml': server('a'), 'bad.yaml': 'kind: [' });

  it('parses a file again only when its bytes change, and never keeps one with errors', () => {
    const cache = createParseCache();
    const first = cache.parse(a);
    expect(cache.parse({ ...a, content: a.content.slice() })).toBe(cache.parse(a));
    expect(cache.parse(a)).not.toBe(first); // the first answer held the full tree; later ones are kept
    const edited = files({ 'a.yaml': server('a').replace('"1.0"', '"2.0"') })[0];
    expect(cache.parse(edited).docs[0].value).toMatchObject({ spec: { version: '2.0' } });
    expect(cache.parse(bad).errors).toHaveLength(1);
    expect(cache.parse(bad)).not.toBe(cache.parse(bad));
  });

  it('forgets files not parsed since the last sweep', () => {
    const cache = createParseCache();
    cache.parse(a);
    const kept = cache.parse(a);
    cache.sweep();
    expect(cache.parse(a)).toBe(kept);
    cache.sweep();
    cache.sweep();
    expect(cache.parse(a)).not.toBe(kept);
  });

  it('keeps no YAML tree of the first parse (an entry is about the file, not its tree)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const cache = createParseCache();
    const tree = new WeakRef(cache.parse(a).docs[0].doc);
    // WeakRefs are cleared only once the job that read them has ended
    await new Promise((r) => setImmediate(r));
    gc();
    expect(tree.deref()).toBeUndefined();
    expect(cache.parse(a).docs[0].value).toMatchObject({ metadata: { name: 'a' } });
  });

  it('places positions in a kept document as in a freshly parsed one', () => {
    const cache = createParseCache();
    cache.parse(a);
    const kept = cache.parse(a).docs[0];
    const fresh = parseYamlFile(a).docs[0];
    for (const path of [
      ['metadata', 'name'],
      ['spec', 'args', 1],
      ['spec', 'env', 'TOKEN'],
      ['spec', 'missing'],
    ]) {
      expect(positionOf(kept.doc, kept.lc, path)).toEqual(positionOf(fresh.doc, fresh.lc, path));
    }
    expect(kept.nameLine).toBe(fresh.nameLine);
    expect(kept.value).toEqual(fresh.value);
  });
});
