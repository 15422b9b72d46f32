// No secret value ever reaches the display twin (`masked`) or an error message.
import { describe, expect, it } from 'vitest';
import { createCompiler } from '../../src/render/desired-state.js';
import { IDENTITY_KEYS, maskCredentials, Masker, maskText, secretPieces } from '../../src/render/mask.js';
import { staticSecrets } from '../../src/render/secrets.js';
import { TemplateError, type TemplateEngine } from '../../src/render/template.js';
import { MASK } from '../../src/spec/desired.js';
import { files } from '../helpers/spec-files.js';
import { y } from '../spec/corpus/yaml.js';

const SECRET = 's3cr3t-Value-42';
const TOKEN = 'tok-ABCDEF-123';
const ENV_TOKEN = 'env-token-999';

const spec = y`
  apiVersion: mcp-gitops/v1
  kind: MCPServer
  metadata: { name: api }
  spec:
    version: "1"
    command: node
    args:
      - "--auth=Bearer {{ secrets.api_key }}"
      - "{{ secrets.api_key | upper }}"
      - "{{ secrets.api_key | lower }}"
      - "{{ secrets.api_key | reverse }}"
      - "{{ secrets.api_key | replace('-', '_') }}"
      - "{{ secrets.api_key | trim | title }}"
      - "{{ secrets.api_key | truncate(8, true, '') }}"
      - "{{ secrets.api_key | urlencode }}"
      - "{{ secrets.api_key | list | join(',') }}"
      - "{% set k = secrets.api_key %}{{ k }}{{ k }}"
      - "{% if secrets.api_key %}set{% endif %}"
      - "https://user:{{ vars.token }}@host/{{ vars.env_token }}"
    env:
      TOKEN: "{{ vars.token }}"
      FROM_ENV: "{{ vars.env_token }}"
      FROM_SECRET_VAR: "{{ vars.db_password }}"
      PLAIN: "{{ vars.region }}"
    variables:
      - { name: token, type: token, default: "${TOKEN}" }
      - { name: env_token, type: token }
      - { name: db_password, type: token, required: true }
      - { name: region, default: eu }
`;

const environment = y`
  apiVersion: mcp-gitops/v1
  kind: Environment
  metadata: { name: prod }
  spec:
    variables: { env_token: "${ENV_TOKEN}" }
`;

const compiler = createCompiler();
const compile = (extra: Record<string, string> = {}, secrets: Record<string, string> = { api_key: SECRET, db_password: 'pw-from-secret-dir' }) =>
  compiler.compile(
    { files: files({ 'api.yaml': spec, 'env.yaml': environment, ...extra }) },
    { environment: 'prod', secrets: staticSecrets(secrets), runtime: 'process' },
  );

/** The secret and every transformed form of it the filters above produce. */
const forms = (s: string): string[] => [
  s,
  s.toUpperCase(),
  s.toLowerCase(),
  [...s].reverse().join(''),
  s.replace(/-/g, '_'),
  encodeURIComponent(s),
  [...s].join(','),
];

describe('masking', () => {
  it('renders real values for the runtime', () => {
    const out = compile();
    expect(out.errors).toEqual([]);
    const real = out.servers[0].spec;
    expect(real.args[0]).toBe(`--auth=Bearer ${SECRET}`);
    expect(real.args[1]).toBe(SECRET.toUpperCase());
    expect(real.args[9]).toBe(SECRET + SECRET);
    expect(real.env).toEqual({ TOKEN, FROM_ENV: ENV_TOKEN, FROM_SECRET_VAR: 'pw-from-secret-dir', PLAIN: 'eu' });
  });

  it('masks secrets inside longer strings and through filters, and masks token variables', () => {
    const masked = compile().servers[0].masked;
    expect(masked.args[0]).toBe(`--auth=Bearer ${MASK}`);
    expect(masked.args[10]).toBe('set');
    expect(masked.args[11]).toBe(`https://user:${MASK}@host/${MASK}`);
    expect(masked.env).toEqual({ TOKEN: MASK, FROM_ENV: MASK, FROM_SECRET_VAR: MASK, PLAIN: 'eu' });
    const text = JSON.stringify(masked);
    for (const value of [SECRET, TOKEN, ENV_TOKEN, 'pw-from-secret-dir']) {
      for (const form of forms(value)) expect(text).not.toContain(form);
    }
    // Even a prefix of the secret (truncate) does not show.
    expect(text).not.toContain(SECRET.slice(0, 8));
  });

  it('lists every secret value the server uses, and every form filters made of it, for masking elsewhere', () => {
    const values = compile().servers[0].secretValues;
    for (const v of [ENV_TOKEN, 'pw-from-secret-dir', SECRET, TOKEN, ...forms(SECRET), SECRET.slice(0, 8)]) expect(values).toContain(v);
    // so a message that quotes the real rendering of any templated field shows none of them
    const mask = new Masker(values);
    const real = compile().servers[0].spec;
    const shown = mask.text(JSON.stringify(real));
    for (const value of [SECRET, TOKEN, ENV_TOKEN, 'pw-from-secret-dir']) {
      for (const form of forms(value)) expect(shown).not.toContain(form);
    }
    expect(shown).toContain('"PLAIN":"eu"');
  });

  it('does not leak a secret through server.version (even one too short to scrub)', () => {
    const short = 'k9z';
    const leaky = spec.replace('version: "1"', 'version: "{{ secrets.short }}"').replace('args:', 'args:\n    - "v{{ server.version }}"');
    const out = compile({ 'api.yaml': leaky }, { api_key: SECRET, db_password: 'pw-from-secret-dir', short });
    expect(out.errors).toEqual([]);
    expect(out.servers[0].spec.version).toBe(short);
    expect(out.servers[0].spec.args[0]).toBe(`v${short}`);
    expect(out.servers[0].masked.version).toBe(MASK);
    expect(out.servers[0].masked.args[0]).toBe(`v${MASK}`);
  });

  it('scrubs a secret that reaches the display twin another way (a plain field, an Environment variable)', () => {
    const plain = spec
      .replace('    - { name: region, default: eu }', '    - { name: region, default: eu }\n    - { name: copy }')
      .replace('  command: node', `  command: node\n  image: "registry/${SECRET}:1"`)
      .replace('PLAIN: "{{ vars.region }}"', 'PLAIN: "{{ vars.copy }}"');
    const env = environment.replace('variables: {', `variables: { copy: "x${TOKEN}x",`);
    const out = compile({ 'api.yaml': plain, 'env.yaml': env });
    expect(out.errors).toEqual([]);
    expect(out.servers[0].spec.env.PLAIN).toBe(`x${TOKEN}x`);
    expect(out.servers[0].masked.env.PLAIN).toBe(`x${MASK}x`);
    expect(out.servers[0].masked.image).toBe(`registry/${MASK}:1`);
  });

  it('keeps secret values out of error messages', () => {
    const engine: TemplateEngine = {
      isTemplate: (src) => src.includes('{{'),
      render(_src, ctx) {
        const secrets = (ctx as { secrets: Record<string, string> }).secrets;
        throw new TemplateError(`cannot use "${secrets.api_key}" here`);
      },
      stats: () => ({ compiled: 0, cached: 0 }),
    };
    const out = createCompiler({ engine }).compile(
      {
        files: files({
          'a.yaml':
            'apiVersion: mcp-gitops/v1\nkind: MCPServer\nmetadata: { name: a }\nspec:\n  version: "1"\n  command: x\n  args: ["{{ secrets.api_key }}"]\n',
        }),
      },
      { secrets: staticSecrets({ api_key: SECRET }) },
    );
    expect(out.errors.map((e) => e.message)).toEqual([`cannot use "${MASK}" here`]);
  });

  it('never puts a token value in a variable error', () => {
    const bad = spec.replace('{ name: token, type: token, default: "tok-ABCDEF-123" }', '{ name: token, type: token, default: "" }');
    const out = compile({ 'api.yaml': bad });
    expect(out.errors.map((e) => e.message)).toEqual(['variable "token" must be a non-empty string']);
    expect(JSON.stringify(out)).not.toContain(SECRET);
  });
});

describe('Masker', () => {
  it('masks the longest value whole, whatever order the values came in', () => {
    expect(new Masker(['abcd', 'abcdefgh']).text('token=abcdefgh')).toBe(`token=${MASK}`);
    expect(new Masker(['abcdefgh', 'abcd']).text('token=abcdefgh abcd')).toBe(`token=${MASK} ${MASK}`);
    const later = new Masker(['abcd']);
    later.add(['abcdefgh']);
    expect(later.text('token=abcdefgh')).toBe(`token=${MASK}`);
    expect(maskText('a-secret-b secret', ['secret', 'a-secret-b'])).toBe(`${MASK} ${MASK}`);
  });

  it('hides overlapping values entirely (no tail of either shows)', () => {
    expect(maskText('x=abcdef;', ['abcd', 'cdef'])).toBe(`x=${MASK};`);
  });

  it('leaves very short values alone (they would mangle unrelated text)', () => {
    expect(maskText('stdio', ['s', 'io', 'std'])).toBe('stdio');
  });

  it('masks nested values but not identities, hashes and times', () => {
    const mask = new Masker(['beef']);
    const state = { commit: 'cafebeef', specHash: 'beef00', at: '2026', history: [{ id: 1, commit: 'beef', message: 'tool beef missing', errors: ['beef'] }] };
    expect(mask.deep(state, IDENTITY_KEYS)).toEqual({
      commit: 'cafebeef',
      specHash: 'beef00',
      at: '2026',
      history: [{ id: 1, commit: 'beef', message: `tool ${MASK} missing`, errors: [MASK] }],
    });
  });

  it('strips URL credentials and masks tokens', () => {
    expect(maskCredentials('fetch https://u:p@host/x.git failed, token tok3n', ['tok3n', undefined])).toBe(`fetch https://host/x.git failed, token ${MASK}`);
  });
});

describe('secretPieces', () => {
  it('finds what stands in the real rendering where the twin has ***', () => {
    expect(secretPieces('https://u:P%40ss@h/ABC', `https://u:${MASK}@h/${MASK}`)).toEqual(['P%40ss', 'ABC']);
    expect(secretPieces('same', 'same')).toEqual([]);
    // a filter rewrote *** itself: the whole string counts
    expect(secretPieces('s,e,c,r,e,t', '*,*,*')).toEqual(['s,e,c,r,e,t']);
  });
});
