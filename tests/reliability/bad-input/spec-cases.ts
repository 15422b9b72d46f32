// Hostile and broken spec repositories (the reliability corpus; the everyday mistakes are in
// tests/spec/corpus). Each case is the exact, complete list of `file:line:col: field: message`
// lines it must produce: refused whole, nothing deployed, no exception, no hang.
import { server } from '../../spec/corpus/yaml.js';

export interface BadSpecCase {
  name: string;
  files: Record<string, string | Uint8Array>;
  symlinks?: string[];
  environment?: string;
  secrets?: Record<string, string>;
  expected: string[];
}

const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
/** `n` levels of `open` ... `close` around a scalar, as the value of spec.args (itself 2 levels deep). */
const nested = (n: number, open: string, close: string): string => server('a', `  args: ${open.repeat(n)}x${close.repeat(n)}\n`);
/** A YAML block mapping `n` levels deep under spec.env. */
const blockDeep = (n: number): string => server('a', `  env:\n${Array.from({ length: n }, (_, i) => `${'  '.repeat(i + 2)}k${i}:`).join('\n')} x\n`);
/** The classic "billion laughs": 9 levels of 9 aliases each. */
const laughs = (indent = ''): string =>
  ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    .concat(
      ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map((k, i) => {
        const prev = 'abcdefghi'[i];
        return `${k}: &${k} [${Array(9).fill(`*${prev}`).join(',')}]`;
      }),
    )
    .map((l) => indent + l)
    .join('\n');
const tpl = (value: string): string => server('a', `  env:\n    X: ${JSON.stringify(value)}\n`);
const withVar = (value: string, varDefault: string): string =>
  server('a', `  cwd: ${JSON.stringify(value)}\n  variables:\n    - { name: d, default: ${JSON.stringify(varDefault)} }\n`);
const port = (v: string): string => server('a', `  transport: streamable-http\n  port: ${v}\n`);
const timeout = (v: string): string => server('a', `  health: { timeoutSeconds: ${v} }\n`);

export const BAD_SPECS: BadSpecCase[] = [
  // ---- malformed YAML and JSON ----------------------------------------------------------------
  {
    name: 'yaml: unterminated double-quoted string',
    files: { 'a.yaml': server('a', '  args: ["stdio]\n') },
    expected: ['a.yaml:9:1: -: invalid YAML: Missing closing "quote'],
  },
  {
    name: 'yaml: unclosed flow mapping',
    files: { 'a.yaml': server('a', '  env: { A: b\n') },
    expected: ['a.yaml:8:8: -: invalid YAML: "{" is not closed with "}" (or a line inside it is not indented enough)'],
  },
  {
    name: 'yaml: a mapping value where a scalar is',
    files: { 'a.yaml': server('a', '  command: node: 20\n') },
    expected: [
      'a.yaml:8:3: spec.command: duplicate key: already defined at line 7; remove one of them',
      'a.yaml:8:12: -: invalid YAML: Nested mappings are not allowed in compact mappings',
    ],
  },
  {
    name: 'yaml: a stray closing bracket',
    files: { 'a.yaml': server('a', '  args: stdio]\n') },
    expected: ['a.yaml:8:9: spec.args: must be a list, got a string (write a list: ["stdio]"])'],
  },
  {
    name: 'yaml: an invalid escape in a double-quoted string',
    files: { 'a.yaml': server('a', '  args: ["\\q"]\n') },
    expected: ['a.yaml:8:11: -: invalid YAML: Invalid escape sequence \\q'],
  },
  {
    name: 'yaml: an unknown directive',
    files: { 'a.yaml': `%FOO bar\n---\n${server('a')}` },
    expected: ['a.yaml:1:1: -: invalid YAML: Unknown directive %FOO'],
  },
  {
    name: 'yaml: a YAML 9.9 directive',
    files: { 'a.yaml': `%YAML 9.9\n---\n${server('a')}` },
    expected: ['a.yaml:1:7: -: invalid YAML: Unsupported YAML version 9.9'],
  },
  {
    name: 'yaml: a misindented sequence',
    files: { 'a.yaml': server('a', '  args:\n    - a\n  - b\n') },
    expected: ['a.yaml:10:1: -: invalid YAML: A block sequence may not be used as an implicit map key'],
  },
  {
    name: 'yaml: an empty key',
    files: { 'a.yaml': server('a', '  : x\n') },
    expected: [
      'a.yaml:5:1: spec[""]: unknown field; allowed here: version, transport, command, args, cwd, image, url, headers, port, replicas, path, env, variables, dependsOn, enabled, health, rollout, gateway, tools, environments',
    ],
  },
  {
    name: 'yaml: an anchor with nothing after it at the end',
    files: { 'a.yaml': server('a', '  args: &\n') },
    expected: ['a.yaml:8:9: -: invalid YAML: Anchor cannot be an empty string'],
  },
  {
    name: 'json: an unclosed JSON document under a .yaml name',
    files: { 'a.yaml': '{"apiVersion": "mcp-gitops/v1", "kind": "MCPServer", "metadata": {"name": "a"}, "spec": {"version": "1", "command": "node"}' },
    expected: ['a.yaml:1:124: -: invalid YAML: Flow map must end with a }'],
  },
  {
    name: 'json: a trailing comma and a comment',
    files: { 'a.yml': '{"apiVersion": "mcp-gitops/v1", "kind": "MCPServer", // x\n "metadata": {"name": "a"},}' },
    expected: [
      'a.yml:1:1: metadata: required field missing',
      'a.yml:1:1: spec: required field missing',
      'a.yml:1:54: ["// x \\"metadata\\""]: unknown field; allowed here: apiVersion, kind, metadata, spec',
    ],
  },
  {
    name: 'json: a JSON array of documents',
    files: { 'a.yaml': '[{"apiVersion": "mcp-gitops/v1", "kind": "MCPServer", "metadata": {"name": "a"}, "spec": {"version": "1", "command": "node"}}]' },
    expected: ['a.yaml:1:1: -: a spec document must be a mapping with apiVersion, kind, metadata and spec'],
  },
  {
    name: 'json: single quotes and unquoted keys mixed',
    files: { 'a.yaml': "{apiVersion: 'mcp-gitops/v1', kind: MCPServer, metadata: {name: 'a'}, spec: {version: '1', command: node, args: ['x',]}, }}" },
    expected: ['a.yaml:1:123: -: invalid YAML: Unexpected flow-map-end token in YAML stream: "}"'],
  },

  // ---- huge files, deep nesting, alias bombs ----------------------------------------------------
  {
    name: 'huge: a 10 MB file',
    files: { 'big.yaml': new Uint8Array(10 * 1024 * 1024).fill(0x61) },
    expected: ['big.yaml:1:1: -: file is 10485760 bytes; the limit is 1048576'],
  },
  {
    name: 'huge: 10 MB of valid-looking YAML lines',
    files: { 'big.yaml': utf8(`${server('a')}${'  # padding padding padding padding padding padding padding\n'.repeat(170_000)}`) },
    expected: ['big.yaml:1:1: -: file is 10200099 bytes; the limit is 1048576'],
  },
  {
    name: 'huge: one 2 MB scalar',
    files: { 'a.yaml': server('a', `  args: ["${'x'.repeat(2 * 1024 * 1024)}"]\n`) },
    expected: ['a.yaml:1:1: -: file is 2097264 bytes; the limit is 1048576'],
  },
  {
    name: 'deep: 5000 nested flow sequences',
    files: { 'a.yaml': nested(5000, '[', ']') },
    expected: ['a.yaml:8:73: -: invalid YAML: nested more than 64 levels deep; a spec needs far fewer (is this generated data?)'],
  },
  {
    name: 'deep: 3000 nested flow mappings',
    files: { 'a.yaml': nested(3000, '{k: ', '}') },
    expected: ['a.yaml:8:265: -: invalid YAML: nested more than 64 levels deep; a spec needs far fewer (is this generated data?)'],
  },
  {
    name: 'deep: 65 levels of flow sequences (just past the limit)',
    files: { 'a.yaml': nested(63, '[', ']') },
    expected: ['a.yaml:8:71: -: invalid YAML: nested more than 64 levels deep; a spec needs far fewer (is this generated data?)'],
  },
  {
    name: 'deep: 64 levels of flow sequences (at the limit) reach the schema',
    files: { 'a.yaml': nested(62, '[', ']') },
    expected: ['a.yaml:8:10: spec.args[0]: must be a string, got a list'],
  },
  {
    name: 'deep: 60 levels of block mappings (under the limit) reach the schema',
    files: { 'a.yaml': blockDeep(56) },
    expected: ['a.yaml:10:7: spec.env.k0: must be a string, got a mapping'],
  },
  {
    name: 'deep: 80 levels of block mappings',
    files: { 'a.yaml': blockDeep(80) },
    expected: ['a.yaml:71:129: -: invalid YAML: nested more than 64 levels deep; a spec needs far fewer (is this generated data?)'],
  },
  {
    name: 'alias bomb: billion laughs at the top level',
    files: { 'a.yaml': laughs() },
    expected: ['a.yaml:1:1: -: invalid YAML: Excessive alias count indicates a resource exhaustion attack'],
  },
  {
    name: 'alias bomb: billion laughs inside spec.args',
    files: { 'a.yaml': server('a', `  x:\n${laughs('    ')}\n  args: *i\n`) },
    expected: ['a.yaml:1:1: -: invalid YAML: Excessive alias count indicates a resource exhaustion attack'],
  },
  {
    name: 'alias bomb: a merge key fanning out',
    files: { 'a.yaml': `${laughs()}\nj: { <<: [*i, *i, *i] }\n` },
    expected: ['a.yaml:1:1: -: invalid YAML: Excessive alias count indicates a resource exhaustion attack'],
  },
  {
    name: 'alias: a recursive alias',
    files: { 'a.yaml': server('a', '  args: &r [*r]\n') },
    expected: ['a.yaml:8:13: spec.args[0]: must be a string, got a list'],
  },
  {
    name: 'alias: to an anchor of another document',
    files: { 'a.yaml': `${server('a', '  args: &shared [x]\n')}---\n${server('b', '  args: *shared\n')}` },
    expected: ['a.yaml:17:9: -: invalid YAML: Unresolved alias (the anchor must be set before the alias): shared'],
  },
  {
    name: 'alias: 150 aliases of one small anchor',
    files: { 'a.yaml': server('a', `  args: &s [x]\n  env: { ${Array.from({ length: 150 }, (_, i) => `K${i}: *s`).join(', ')} }\n`) },
    expected: ['a.yaml:1:1: -: invalid YAML: Excessive alias count indicates a resource exhaustion attack'],
  },
  {
    name: 'tags: a language-specific tag (js/function)',
    files: { 'a.yaml': server('a', '  args: [!!js/function "function () { return process }"]\n') },
    expected: ['a.yaml:8:10: -: invalid YAML: unknown YAML tag tag:yaml.org,2002:js/function; remove it'],
  },
  {
    name: 'tags: python/object/apply',
    files: { 'a.yaml': server('a', '  args: !!python/object/apply:os.system ["id"]\n') },
    expected: ['a.yaml:8:9: -: invalid YAML: unknown YAML tag tag:yaml.org,2002:python/object/apply:os.system; remove it'],
  },
  {
    name: 'tags: !!binary where a string belongs',
    files: { 'a.yaml': server('a', '  args: [!!binary aGVsbG8=]\n') },
    expected: ['a.yaml:8:19: spec.args[0]: must be a string, got a mapping'],
  },
  {
    name: 'tags: !!set where a list belongs',
    files: { 'a.yaml': server('a', '  args: !!set { a, b }\n') },
    expected: ['a.yaml:8:15: spec.args: must be a list, got a mapping'],
  },

  // ---- binary and non-UTF-8 -------------------------------------------------------------------------
  {
    name: 'binary: an ELF executable named .yaml',
    files: { 'bin.yaml': bytes(0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00) },
    expected: ['bin.yaml:1:1: -: file is binary (contains NUL bytes), not YAML text'],
  },
  {
    name: 'binary: a gzip stream named .yml',
    files: { 'x.yml': bytes(0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03) },
    expected: ['x.yml:1:1: -: file is not valid UTF-8 text; save it with UTF-8 encoding'],
  },
  {
    name: 'binary: a zip archive',
    files: { 'x.yaml': bytes(0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00) },
    expected: ['x.yaml:1:1: -: file is binary (contains NUL bytes), not YAML text'],
  },
  {
    name: 'encoding: UTF-16 LE with its BOM',
    files: { 'a.yaml': bytes(0xff, 0xfe, 0x61, 0x00, 0x3a, 0x00, 0x20, 0x00, 0x31, 0x00) },
    expected: ['a.yaml:1:1: -: file is not valid UTF-8 text; save it with UTF-8 encoding'],
  },
  {
    name: 'encoding: UTF-32 BE',
    files: { 'a.yaml': bytes(0x00, 0x00, 0xfe, 0xff, 0x00, 0x00, 0x00, 0x61) },
    expected: ['a.yaml:1:1: -: file is not valid UTF-8 text; save it with UTF-8 encoding'],
  },
  {
    name: 'encoding: an overlong UTF-8 "/" (C0 AF)',
    files: { 'a.yaml': bytes(0x61, 0x3a, 0x20, 0xc0, 0xaf, 0x0a) },
    expected: ['a.yaml:1:1: -: file is not valid UTF-8 text; save it with UTF-8 encoding'],
  },
  {
    name: 'encoding: a UTF-8-encoded surrogate (CESU-8)',
    files: { 'a.yaml': bytes(0x61, 0x3a, 0x20, 0xed, 0xa0, 0x80, 0x0a) },
    expected: ['a.yaml:1:1: -: file is not valid UTF-8 text; save it with UTF-8 encoding'],
  },
  {
    name: 'encoding: Windows-1252 smart quotes',
    files: { 'a.yaml': new Uint8Array([...utf8(server('a', '  args: [')), 0x93, 0x78, 0x94, ...utf8(']\n')]) },
    expected: ['a.yaml:1:1: -: file is not valid UTF-8 text; save it with UTF-8 encoding'],
  },
  {
    name: 'encoding: a truncated multi-byte sequence at the end',
    files: { 'a.yaml': new Uint8Array([...utf8(server('a', '  args: [caf')), 0xc3]) },
    expected: ['a.yaml:1:1: -: file is not valid UTF-8 text; save it with UTF-8 encoding'],
  },
  {
    name: 'encoding: a NUL byte in the middle of a valid spec',
    files: { 'a.yaml': new Uint8Array([...utf8(server('a')), 0x00, ...utf8('  args: [x]\n')]) },
    expected: ['a.yaml:1:1: -: file is binary (contains NUL bytes), not YAML text'],
  },

  // ---- symlinks -----------------------------------------------------------------------------------
  {
    name: 'symlink: a .yaml link pointing outside the repository',
    files: { 'a.yaml': server('a') },
    symlinks: ['servers/passwd.yaml'],
    expected: ['servers/passwd.yaml:1:1: -: symbolic links are not followed; commit the file itself'],
  },
  {
    name: 'symlink: upper-case .YML extension',
    files: {},
    symlinks: ['LINK.YML'],
    expected: ['LINK.YML:1:1: -: symbolic links are not followed; commit the file itself'],
  },
  {
    name: 'symlink: several, each reported',
    files: {},
    symlinks: ['b.yaml', 'a/c.yml', 'a/notes.txt'],
    expected: [
      'a/c.yml:1:1: -: symbolic links are not followed; commit the file itself',
      'b.yaml:1:1: -: symbolic links are not followed; commit the file itself',
    ],
  },

  // ---- path traversal in cwd ---------------------------------------------------------------------------
  {
    name: 'cwd: ./../ escape',
    files: { 'a.yaml': server('a', '  cwd: ./../x\n') },
    expected: ['a.yaml:8:8: spec.cwd: must be a relative path inside the repository path (no leading "/" or "..")'],
  },
  {
    name: 'cwd: many ../ hidden after a deep path',
    files: { 'a.yaml': server('a', '  cwd: a/b/c/../../../../etc\n') },
    expected: ['a.yaml:8:8: spec.cwd: must be a relative path inside the repository path (no leading "/" or "..")'],
  },
  {
    name: 'cwd: Windows drive path',
    files: { 'a.yaml': server('a', '  cwd: "C:\\\\Windows"\n') },
    expected: ['a.yaml:8:8: spec.cwd: must be a relative path inside the repository path (no leading "/" or "..")'],
  },
  {
    name: 'cwd: UNC path',
    files: { 'a.yaml': server('a', '  cwd: "\\\\\\\\host\\\\share"\n') },
    expected: ['a.yaml:8:8: spec.cwd: must be a relative path inside the repository path (no leading "/" or "..")'],
  },
  {
    name: 'cwd: backslash ..',
    files: { 'a.yaml': server('a', '  cwd: "tools\\\\..\\\\..\\\\x"\n') },
    expected: ['a.yaml:8:8: spec.cwd: must be a relative path inside the repository path (no leading "/" or "..")'],
  },
  {
    name: 'cwd: a template rendering "../.."',
    files: { 'a.yaml': withVar('{{ vars.d }}', '../..') },
    expected: ['a.yaml:8:8: spec.cwd: must be a relative path inside the repository path (no leading "/" or ".."); the template rendered to one that is not'],
  },
  {
    name: 'cwd: a template rendering an absolute path',
    files: { 'a.yaml': withVar('tools/{{ vars.d }}', '../../../root') },
    expected: ['a.yaml:8:8: spec.cwd: must be a relative path inside the repository path (no leading "/" or ".."); the template rendered to one that is not'],
  },
  {
    name: 'cwd: the escape comes from the Environment value',
    environment: 'production',
    files: {
      'a.yaml': withVar('{{ vars.d }}', 'tools'),
      'env.yaml': 'apiVersion: mcp-gitops/v1\nkind: Environment\nmetadata: { name: production }\nspec:\n  variables: { d: /etc }\n',
    },
    expected: ['a.yaml:8:8: spec.cwd: must be a relative path inside the repository path (no leading "/" or ".."); the template rendered to one that is not'],
  },
  {
    name: 'cwd: an override escapes',
    environment: 'production',
    files: { 'a.yaml': server('a', '  cwd: tools\n  environments:\n    production: { cwd: ../../.. }\n') },
    expected: ['a.yaml:10:24: spec.environments.production.cwd: must be a relative path inside the repository path (no leading "/" or "..")'],
  },
  {
    name: 'cwd: a NUL character',
    files: { 'a.yaml': server('a', '  cwd: "tools\\0/../.."\n') },
    expected: [
      'a.yaml:8:8: spec.cwd: must be a relative path inside the repository path (no leading "/" or "..")',
      'a.yaml:8:8: spec.cwd: must not contain a NUL character (\\0): no process can be started with it',
    ],
  },

  // ---- values no process can take -----------------------------------------------------------------
  {
    name: 'exec: NUL in command',
    files: { 'a.yaml': server('a').replace('command: node', 'command: "node\\0--inspect"') },
    expected: ['a.yaml:7:12: spec.command: must not contain a NUL character (\\0): no process can be started with it'],
  },
  {
    name: 'exec: NUL in an argument',
    files: { 'a.yaml': server('a', '  args: [ok, "x\\0y"]\n') },
    expected: ['a.yaml:8:14: spec.args[1]: must not contain a NUL character (\\0): no process can be started with it'],
  },
  {
    name: 'exec: NUL in an env value',
    files: { 'a.yaml': server('a', '  env: { A: "x\\0y" }\n') },
    expected: ['a.yaml:8:13: spec.env.A: must not contain a NUL character (\\0): no process can be started with it'],
  },
  {
    name: 'exec: NUL in an env key',
    files: { 'a.yaml': server('a', '  env: { "A\\0B": x }\n') },
    expected: ['a.yaml:8:10: spec.env["A\\u0000B"]: key must be a name of letters, digits and "_", not starting with a digit (did you mean "A_B"?)'],
  },
  {
    name: 'exec: NUL produced by a variable',
    files: { 'a.yaml': server('a', '  args: ["{{ vars.v }}"]\n  variables:\n    - { name: v, default: "a\\0b" }\n') },
    expected: ['a.yaml:8:10: spec.args[0]: must not contain a NUL character (\\0): no process can be started with it'],
  },

  // ---- template sandbox escapes -------------------------------------------------------------------------
  {
    name: 'sandbox: range.constructor("return process")() in command',
    files: { 'a.yaml': server('a').replace('command: node', 'command: \'{{ range.constructor("return process")() }}\'') },
    expected: ['a.yaml:7:12: spec.command: function calls are not allowed in templates (filters are: {{ x | upper }})'],
  },
  {
    name: 'sandbox: cycler.constructor',
    files: { 'a.yaml': tpl('{{ cycler.constructor("return process")() }}') },
    expected: ['a.yaml:9:8: spec.env.X: function calls are not allowed in templates (filters are: {{ x | upper }})'],
  },
  {
    name: 'sandbox: joiner.constructor without a call',
    files: { 'a.yaml': tpl('{{ joiner.constructor }}') },
    expected: ['a.yaml:9:8: spec.env.X: access to "constructor" is not allowed in templates'],
  },
  {
    name: "sandbox: a list literal's constructor",
    files: { 'a.yaml': tpl('{{ [].constructor }}') },
    expected: ['a.yaml:9:8: spec.env.X: access to "constructor" is not allowed in templates'],
  },
  {
    name: "sandbox: a dict literal's constructor",
    files: { 'a.yaml': tpl('{{ {}.constructor }}') },
    expected: ['a.yaml:9:8: spec.env.X: access to "constructor" is not allowed in templates'],
  },
  {
    name: 'sandbox: vars["__proto__"]',
    files: { 'a.yaml': tpl('{{ vars["__proto__"] }}') },
    expected: ['a.yaml:9:8: spec.env.X: access to "__proto__" is not allowed in templates'],
  },
  {
    name: 'sandbox: concatenated key',
    files: { 'a.yaml': tpl('{{ vars["con" + "structor"] }}') },
    expected: ['a.yaml:9:8: spec.env.X: computed lookups (x[y]) are not allowed in templates; use a literal key'],
  },
  {
    name: 'sandbox: loop.constructor inside a for',
    files: { 'a.yaml': tpl('{% for i in [1] %}{{ loop.constructor }}{% endfor %}') },
    expected: ['a.yaml:9:8: spec.env.X: access to "constructor" is not allowed in templates'],
  },
  {
    name: 'sandbox: prototype of environment',
    files: { 'a.yaml': tpl('{{ environment.prototype }}') },
    expected: ['a.yaml:9:8: spec.env.X: access to "prototype" is not allowed in templates'],
  },
  {
    name: 'sandbox: __defineGetter__',
    files: { 'a.yaml': tpl('{{ vars.__defineGetter__ }}') },
    expected: ['a.yaml:9:8: spec.env.X: access to "__defineGetter__" is not allowed in templates'],
  },
  {
    name: 'sandbox: process.env',
    files: { 'a.yaml': tpl('{{ process.env.HOME }}') },
    expected: ['a.yaml:9:8: spec.env.X: undefined name "process" (templates see vars, secrets, environment, server)'],
  },
  {
    name: 'sandbox: globalThis',
    files: { 'a.yaml': tpl('{{ globalThis.process }}') },
    expected: ['a.yaml:9:8: spec.env.X: undefined name "globalThis" (templates see vars, secrets, environment, server)'],
  },
  {
    name: 'sandbox: require',
    files: { 'a.yaml': tpl('{{ require }}') },
    expected: ['a.yaml:9:8: spec.env.X: undefined name "require" (templates see vars, secrets, environment, server)'],
  },
  {
    name: 'sandbox: include of a host file',
    files: { 'a.yaml': tpl('{% include "/etc/passwd" %}') },
    expected: ['a.yaml:9:8: spec.env.X: include is not allowed in templates'],
  },
  {
    name: 'sandbox: import of a host file',
    files: { 'a.yaml': tpl('{% from "/etc/passwd" import x %}') },
    expected: ['a.yaml:9:8: spec.env.X: import is not allowed in templates'],
  },
  {
    name: 'sandbox: extends',
    files: { 'a.yaml': tpl('{% extends "../../.git/config" %}') },
    expected: ['a.yaml:9:8: spec.env.X: extends is not allowed in templates'],
  },
  {
    name: 'sandbox: a macro definition',
    files: { 'a.yaml': tpl('{% macro m() %}x{% endmacro %}') },
    expected: ['a.yaml:9:8: spec.env.X: macros are not allowed in templates'],
  },
  {
    name: 'sandbox: a call block',
    files: { 'a.yaml': tpl('{% call m() %}x{% endcall %}') },
    expected: ['a.yaml:9:8: spec.env.X: function calls are not allowed in templates (filters are: {{ x | upper }})'],
  },
  {
    name: 'sandbox: a filter as a function (attr)',
    files: { 'a.yaml': tpl('{{ vars | attr("constructor") }}') },
    expected: ['a.yaml:9:8: spec.env.X: unknown filter "attr"'],
  },
  {
    name: 'sandbox: the random filter',
    files: { 'a.yaml': tpl('{{ [1, 2] | random }}') },
    expected: ['a.yaml:9:8: spec.env.X: filter "random" is not allowed: templates must render the same way every time'],
  },
  {
    name: 'sandbox: reading a daemon secret through secrets',
    secrets: { MCP_GITOPS_API_TOKEN: 'api-token-value' },
    files: { 'a.yaml': tpl('{{ secrets.MCP_GITOPS_API_TOKEN }}') },
    expected: [
      'a.yaml:9:8: spec.env.X: "MCP_GITOPS_API_TOKEN" is one of the daemon\'s own settings (MCP_GITOPS_*), which templates cannot read; give the server a secret of its own',
    ],
  },
  {
    name: 'sandbox: a token variable named like a daemon secret',
    secrets: { MCP_GITOPS_GIT_TOKEN: 'git-token-value' },
    files: {
      'a.yaml': server(
        'a',
        '  env: { T: "{{ vars.MCP_GITOPS_GIT_TOKEN }}" }\n  variables:\n    - { name: MCP_GITOPS_GIT_TOKEN, type: token, required: true }\n',
      ),
    },
    expected: [
      'a.yaml:10:7: spec.variables[0]: required token variable "MCP_GITOPS_GIT_TOKEN" has no value: "MCP_GITOPS_GIT_TOKEN" is one of the daemon\'s own settings (MCP_GITOPS_*), which templates cannot read; give the server a secret of its own, and no Environment sets it',
    ],
  },

  // ---- enormous and non-finite numbers ----------------------------------------------------------------
  {
    name: 'number: port 1e400 (infinite as a double)',
    files: { 'a.yaml': port('1e400') },
    expected: ['a.yaml:9:9: spec.port: must be an integer, got an infinite number (1e400 is too large)'],
  },
  {
    name: 'number: port with 30 digits',
    files: { 'a.yaml': port('123456789012345678901234567890') },
    expected: ['a.yaml:9:9: spec.port: must be at most 65535, got 1.2345678901234568e+29'],
  },
  { name: 'number: port .inf', files: { 'a.yaml': port('.inf') }, expected: ['a.yaml:9:9: spec.port: must be an integer, got an infinite number (.inf)'] },
  { name: 'number: port -.inf', files: { 'a.yaml': port('-.inf') }, expected: ['a.yaml:9:9: spec.port: must be an integer, got an infinite number (-.inf)'] },
  { name: 'number: port .nan', files: { 'a.yaml': port('.nan') }, expected: ['a.yaml:9:9: spec.port: must be an integer, got not-a-number (.nan)'] },
  { name: 'number: port 0', files: { 'a.yaml': port('0') }, expected: ['a.yaml:9:9: spec.port: must be at least 1, got 0'] },
  { name: 'number: port in hex past 65535', files: { 'a.yaml': port('0x10000') }, expected: ['a.yaml:9:9: spec.port: must be at most 65535, got 65536'] },
  { name: 'number: port 3000.5', files: { 'a.yaml': port('3000.5') }, expected: ['a.yaml:9:9: spec.port: must be an integer, got a number'] },
  {
    name: 'number: timeoutSeconds 1e308',
    files: { 'a.yaml': timeout('1e308') },
    expected: ['a.yaml:8:29: spec.health.timeoutSeconds: must be at most 3600, got 1e+308'],
  },
  {
    name: 'number: timeoutSeconds .nan',
    files: { 'a.yaml': timeout('.nan') },
    expected: ['a.yaml:8:29: spec.health.timeoutSeconds: must be a number, got not-a-number (.nan)'],
  },
  {
    name: 'number: timeoutSeconds -.inf',
    files: { 'a.yaml': timeout('-.inf') },
    expected: ['a.yaml:8:29: spec.health.timeoutSeconds: must be a number, got an infinite number (-.inf)'],
  },
  {
    name: 'number: stabilizationSeconds 1e20',
    files: { 'a.yaml': server('a', '  health: { stabilizationSeconds: 1e20 }\n') },
    expected: ['a.yaml:8:35: spec.health.stabilizationSeconds: must be at most 3600, got 100000000000000000000'],
  },
  {
    name: 'number: a 40-digit version',
    files: { 'a.yaml': server('a').replace('version: "1"', 'version: 1234567890123456789012345678901234567890') },
    expected: ['a.yaml:6:12: spec.version: must be a string, got an integer (quote it: "1234567890123456789012345678901234567890")'],
  },

  // ---- names that collide after normalisation ------------------------------------------------------------------
  {
    name: 'names: my-server and My-Server',
    files: { 'a.yaml': server('my-server'), 'b.yaml': server('My-Server') },
    expected: ['b.yaml:4:9: metadata.name: must be a DNS label: lowercase only (did you mean "my-server"?)'],
  },
  {
    name: 'names: my-server and my_server',
    files: { 'a.yaml': server('my-server'), 'b.yaml': server('my_server') },
    expected: ['b.yaml:4:9: metadata.name: must be a DNS label: only lowercase letters, digits and "-", found "_" (did you mean "my-server"?)'],
  },
  {
    name: 'names: a Unicode hyphen (U+2010)',
    files: { 'a.yaml': server('my-server'), 'b.yaml': server('my\u2010server') },
    expected: ['b.yaml:4:9: metadata.name: must be a DNS label: only lowercase letters, digits and "-", found "\u2010" (did you mean "my-server"?)'],
  },
  {
    name: 'names: full-width letters',
    files: { 'a.yaml': server('\uff4d\uff59') },
    expected: ['a.yaml:4:9: metadata.name: must be a DNS label: only lowercase letters, digits and "-", found "\uff4d", "\uff59"'],
  },
  {
    name: 'names: a trailing space in quotes',
    files: { 'a.yaml': server('"my-server "') },
    expected: ['a.yaml:4:9: metadata.name: must be a DNS label: only lowercase letters, digits and "-", found " " (did you mean "my-server"?)'],
  },
  {
    name: 'names: a zero-width space',
    files: { 'a.yaml': server('my\u200bserver') },
    expected: ['a.yaml:4:9: metadata.name: must be a DNS label: only lowercase letters, digits and "-", found "\u200b" (did you mean "my-server"?)'],
  },
  {
    name: 'names: files A.yaml and a.yaml with the same server',
    files: { 'A.yaml': server('x'), 'a.yaml': server('x') },
    expected: ['a.yaml:4:9: metadata.name: duplicate MCPServer name "x" (first defined at A.yaml:4:9)'],
  },
  {
    name: 'names: twice in one file',
    files: { 'a.yaml': `${server('x')}---\n${server('x')}` },
    expected: ['a.yaml:12:9: metadata.name: duplicate MCPServer name "x" (first defined at a.yaml:4:9)'],
  },
  {
    name: 'names: Production and production Environments',
    files: {
      'a.yaml':
        'apiVersion: mcp-gitops/v1\nkind: Environment\nmetadata: { name: Production }\nspec: {}\n---\napiVersion: mcp-gitops/v1\nkind: Environment\nmetadata: { name: production }\nspec: {}\n',
    },
    expected: ['a.yaml:3:19: metadata.name: must be a DNS label: lowercase only (did you mean "production"?)'],
  },
  {
    name: 'names: a 64-character name',
    files: { 'a.yaml': server('a'.repeat(64)) },
    expected: ['a.yaml:4:9: metadata.name: must be a DNS label of at most 63 characters, got 64'],
  },

  // ---- prototype keys in data ---------------------------------------------------------------------------------
  {
    name: 'proto: __proto__ as an env key with a mapping',
    files: { 'a.yaml': server('a', '  env: { __proto__: { polluted: "yes" } }\n') },
    expected: ['a.yaml:8:21: spec.env.__proto__: must be a string, got a mapping'],
  },
  {
    name: 'proto: __proto__ as an environments key',
    environment: 'production',
    files: { 'a.yaml': server('a', '  environments: { __proto__: { env: { A: b } } }\n') },
    expected: ['a.yaml:8:19: spec.environments.__proto__: key must be a DNS label: only lowercase letters, digits and "-", found "_" (did you mean "proto"?)'],
  },
  {
    name: 'proto: constructor as a top-level key',
    files: { 'a.yaml': `constructor: { prototype: { polluted: true } }\n${server('a')}` },
    expected: ['a.yaml:1:1: constructor: unknown field; allowed here: apiVersion, kind, metadata, spec'],
  },
];
