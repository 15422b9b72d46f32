// The broken-spec corpus: every case is a small spec repository and the exact, complete list of
// `file:line:col: field: message` lines it must produce. Lines are sorted as compile() sorts them.
import type { RuntimeKind } from '../../../src/spec/check-servers.js';
import { server, y } from './yaml.js';

export interface CorpusCase {
  name: string;
  files: Record<string, string | Uint8Array>;
  symlinks?: string[];
  environment?: string;
  runtime?: RuntimeKind | null;
  secrets?: Record<string, string>;
  expected: string[];
  /** Notes for documents skipped as other tools' YAML (default: none). */
  skipped?: string[];
}

const production = y`
  apiVersion: mcp-gitops/v1
  kind: Environment
  metadata: { name: production }
  spec:
    variables:
      log_level: warn
`;

export const CASES: CorpusCase[] = [
  // ---- YAML and files ------------------------------------------------------------------------
  {
    name: 'yaml: unclosed flow sequence points at its "["',
    files: { 'a.yaml': server('a', '  args: [stdio, --debug\n') },
    expected: ['a.yaml:8:9: -: invalid YAML: "[" is not closed with "]" (or a line inside it is not indented enough)'],
  },
  {
    name: 'yaml: duplicate keys, each named with its path and first line',
    files: {
      'a.yaml': y`
        apiVersion: mcp-gitops/v1
        kind: MCPServer
        metadata:
          name: a
        spec:
          version: "1"
          command: node
          env:
            LOG_LEVEL: info
            LOG_LEVEL: debug
          command: python
      `,
    },
    expected: [
      'a.yaml:10:5: spec.env.LOG_LEVEL: duplicate key: already defined at line 9; remove one of them',
      'a.yaml:11:3: spec.command: duplicate key: already defined at line 7; remove one of them',
    ],
  },
  {
    name: 'yaml: tab indentation',
    files: { 'a.yaml': 'apiVersion: mcp-gitops/v1\nkind: MCPServer\nmetadata:\n\tname: a\nspec:\n  version: "1"\n  command: node\n' },
    expected: ['a.yaml:4:1: -: invalid YAML: tabs are not allowed as indentation; indent with spaces'],
  },
  {
    name: "yaml: one syntax error is reported once, not with the parser's follow-on errors",
    files: { 'a.yaml': '- apiVersion: mcp-gitops/v1\nkind: MCPServer\n' },
    expected: ['a.yaml:2:1: -: invalid YAML: Unexpected scalar at node end'],
  },
  {
    name: 'yaml: alias without anchor',
    files: { 'a.yaml': server('a', '  args: *common\n') },
    expected: ['a.yaml:8:9: -: invalid YAML: Unresolved alias (the anchor must be set before the alias): common'],
  },
  {
    name: 'yaml: unknown tag',
    files: { 'a.yaml': server('a', '  image: !docker ghcr.io/x\n') },
    expected: ['a.yaml:8:10: -: invalid YAML: unknown YAML tag !docker; remove it'],
  },
  {
    name: 'file: not UTF-8',
    files: { 'servers/latin1.yaml': new Uint8Array([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xe9, 0x74, 0xe9, 0x0a]) },
    expected: ['servers/latin1.yaml:1:1: -: file is not valid UTF-8 text; save it with UTF-8 encoding'],
  },
  {
    name: 'file: binary content under a .yaml name',
    files: { 'logo.yaml': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x00, 0x0d]) },
    expected: ['logo.yaml:1:1: -: file is not valid UTF-8 text; save it with UTF-8 encoding'],
  },
  {
    name: 'file: NUL bytes in otherwise valid UTF-8',
    files: { 'a.yml': new Uint8Array([0x61, 0x3a, 0x20, 0x00, 0x0a]) },
    expected: ['a.yml:1:1: -: file is binary (contains NUL bytes), not YAML text'],
  },
  {
    name: 'file: over the size limit',
    files: { 'big.yaml': new Uint8Array(1024 * 1024 + 1).fill(0x20) },
    expected: ['big.yaml:1:1: -: file is 1048577 bytes; the limit is 1048576'],
  },
  {
    name: 'file: symbolic link to a spec file; other files are not specs',
    files: { 'README.md': '# not a spec: {{ nope }}', 'a.yaml': server('a') },
    symlinks: ['linked.yaml', 'docs/link-to-readme'],
    expected: ['linked.yaml:1:1: -: symbolic links are not followed; commit the file itself'],
  },
  {
    name: 'document: a list instead of a mapping',
    files: { 'a.yaml': '- apiVersion: mcp-gitops/v1\n- kind: MCPServer\n' },
    expected: ['a.yaml:1:1: -: a spec document must be a mapping with apiVersion, kind, metadata and spec'],
  },
  {
    name: 'document: two in one file, only the bad one is reported (at its own lines)',
    files: { 'a.yaml': `${server('a')}---\n${server('b').replace('version: "1"', 'version: 2')}` },
    expected: ['a.yaml:14:12: spec.version: must be a string, got an integer (quote it: "2")'],
  },
  {
    name: 'document: a plain string between two documents',
    files: { 'a.yaml': `${server('a')}---\njust some text\n` },
    expected: ['a.yaml:9:1: -: a spec document must be a mapping with apiVersion, kind, metadata and spec'],
  },

  // ---- apiVersion and kind -------------------------------------------------------------------
  {
    name: 'kind: unknown, with did-you-mean',
    files: { 'a.yaml': server('a').replace('kind: MCPServer', 'kind: McpServer') },
    expected: ['a.yaml:2:7: kind: unknown kind "McpServer": must be one of MCPServer, Environment, Notifier (did you mean "MCPServer"?)'],
  },
  {
    name: 'kind: missing',
    files: { 'a.yaml': server('a').replace('kind: MCPServer\n', '') },
    expected: ['a.yaml:1:1: kind: required field missing (one of MCPServer, Environment, Notifier)'],
  },
  {
    name: 'apiVersion: wrong version, reported once (not again by the schema)',
    files: { 'a.yaml': server('a').replace('mcp-gitops/v1', 'mcp-gitops/v1beta1') },
    expected: ['a.yaml:1:13: apiVersion: unsupported apiVersion "mcp-gitops/v1beta1" (expected "mcp-gitops/v1")'],
  },
  {
    name: 'apiVersion: missing, reported once',
    files: { 'a.yaml': server('a').replace('apiVersion: mcp-gitops/v1\n', '') },
    expected: ['a.yaml:1:1: apiVersion: required field missing (expected "mcp-gitops/v1")'],
  },

  // ---- types ---------------------------------------------------------------------------------
  {
    name: 'type: port as a string',
    files: { 'a.yaml': server('a', '  transport: streamable-http\n  port: "3000"\n') },
    expected: ['a.yaml:9:9: spec.port: must be an integer, got a string (remove the quotes: 3000)'],
  },
  {
    name: 'type: version as a number keeps its written form in the hint',
    files: { 'a.yaml': server('a').replace('version: "1"', 'version: 1.10') },
    expected: ['a.yaml:6:12: spec.version: must be a string, got a number (quote it: "1.10")'],
  },
  {
    name: 'type: env as a list',
    files: { 'a.yaml': server('a', '  env:\n    - LOG_LEVEL=debug\n') },
    expected: ['a.yaml:9:5: spec.env: must be a mapping, got a list'],
  },
  {
    name: 'type: args as a mapping',
    files: { 'a.yaml': server('a', '  args: { file: server.js }\n') },
    expected: ['a.yaml:8:9: spec.args: must be a list, got a mapping'],
  },
  {
    name: 'type: a single value where a list belongs',
    files: { 'a.yaml': server('a', '  args: --stdio\n  dependsOn: base\n'), 'b.yaml': server('base') },
    expected: [
      'a.yaml:8:9: spec.args: must be a list, got a string (write a list: ["--stdio"])',
      'a.yaml:9:14: spec.dependsOn: must be a list, got a string (write a list: ["base"])',
    ],
  },
  {
    name: 'type: env values must be strings',
    files: { 'a.yaml': server('a', '  env:\n    PORT: 3000\n    DEBUG: true\n') },
    expected: [
      'a.yaml:9:11: spec.env.PORT: must be a string, got an integer (quote it: "3000")',
      'a.yaml:10:12: spec.env.DEBUG: must be a string, got a boolean (quote it: "true")',
    ],
  },
  {
    name: 'type: enabled as a quoted boolean',
    files: { 'a.yaml': server('a', '  enabled: "false"\n') },
    expected: ['a.yaml:8:12: spec.enabled: must be a boolean, got a string (remove the quotes: false)'],
  },
  {
    name: 'type: empty spec',
    files: { 'a.yaml': 'apiVersion: mcp-gitops/v1\nkind: MCPServer\nmetadata:\n  name: a\nspec:\n' },
    expected: ['a.yaml:5:1: spec: must be a mapping, got an empty value'],
  },
  {
    name: 'type: transport not one of the allowed values',
    files: { 'a.yaml': server('a', '  transport: streamable_http\n') },
    expected: ['a.yaml:8:14: spec.transport: must be one of: stdio, streamable-http, sse (did you mean "streamable-http"?)'],
  },
  {
    name: 'type: path, command and version must not be empty or relative',
    files: { 'a.yaml': server('a', '  transport: sse\n  port: 8000\n  path: sse\n').replace('command: node', 'command: ""') },
    expected: ['a.yaml:7:12: spec.command: must not be empty', 'a.yaml:10:9: spec.path: must start with "/" (did you mean "/sse"?)'],
  },

  // ---- unknown fields ------------------------------------------------------------------------
  {
    name: 'unknown field: top level, and no second error for the "missing" spec',
    files: { 'a.yaml': server('a').replace('spec:', 'specs:') },
    expected: ['a.yaml:5:1: specs: unknown field (did you mean "spec"?)'],
  },
  {
    name: 'unknown field: metadata',
    files: { 'a.yaml': server('a').replace('  name: a\n', '  name: a\n  label: { team: core }\n') },
    expected: ['a.yaml:5:3: metadata.label: unknown field (did you mean "labels"?)'],
  },
  {
    name: 'unknown field: spec',
    files: { 'a.yaml': server('a', '  dependOn: [b]\n') },
    expected: ['a.yaml:8:3: spec.dependOn: unknown field (did you mean "dependsOn"?)'],
  },
  {
    name: 'unknown field: health (abbreviation)',
    files: { 'a.yaml': server('a', '  health:\n    timeout: 5\n') },
    expected: ['a.yaml:9:5: spec.health.timeout: unknown field (did you mean "timeoutSeconds"?)'],
  },
  {
    name: 'unknown field: rollout',
    files: { 'a.yaml': server('a', '  rollout:\n    stratgy: recreate\n') },
    expected: ['a.yaml:9:5: spec.rollout.stratgy: unknown field (did you mean "strategy"?)'],
  },
  {
    name: 'unknown field: variables item',
    files: { 'a.yaml': server('a', '  variables:\n    - name: log_level\n      defualt: info\n') },
    expected: ['a.yaml:10:7: spec.variables[0].defualt: unknown field (did you mean "default"?)'],
  },
  {
    name: 'unknown field: environments override',
    files: { 'a.yaml': server('a', '  environments:\n    production:\n      comand: node2\n') },
    expected: ['a.yaml:10:7: spec.environments.production.comand: unknown field (did you mean "command"?)'],
  },
  {
    name: 'unknown field: without a near name, the allowed fields are listed',
    files: { 'a.yaml': server('a', '  autoscale: 2\n') },
    expected: [
      'a.yaml:8:3: spec.autoscale: unknown field; allowed here: version, transport, command, args, cwd, image, url, headers, port, replicas, path, env, variables, dependsOn, enabled, health, rollout, gateway, tools, environments',
    ],
  },
  {
    name: 'unknown field: nested environments inside an override',
    files: { 'a.yaml': server('a', '  environments:\n    production:\n      environments: {}\n') },
    expected: [
      'a.yaml:10:7: spec.environments.production.environments: unknown field; allowed here: version, transport, command, args, cwd, image, url, headers, port, replicas, path, env, variables, dependsOn, enabled, health, rollout, gateway, tools',
    ],
  },
  {
    name: 'unknown field: Environment spec',
    files: { 'env.yaml': production.replace('variables:', 'vars:') },
    expected: ['env.yaml:5:3: spec.vars: unknown field (did you mean "variables"?)'],
  },

  // ---- names ---------------------------------------------------------------------------------
  {
    name: 'name: missing metadata.name points at metadata',
    files: { 'a.yaml': server('a').replace('  name: a\n', '  labels: { team: core }\n') },
    expected: ['a.yaml:3:1: metadata.name: required field missing'],
  },
  {
    name: 'name: uppercase',
    files: { 'a.yaml': server('Memory') },
    expected: ['a.yaml:4:9: metadata.name: must be a DNS label: lowercase only (did you mean "memory"?)'],
  },
  {
    name: 'name: underscore',
    files: { 'a.yaml': server('my_server') },
    expected: ['a.yaml:4:9: metadata.name: must be a DNS label: only lowercase letters, digits and "-", found "_" (did you mean "my-server"?)'],
  },
  {
    name: 'name: too long',
    files: { 'a.yaml': server('a'.repeat(64)) },
    expected: ['a.yaml:4:9: metadata.name: must be a DNS label of at most 63 characters, got 64'],
  },
  {
    name: 'name: leading dash',
    files: { 'a.yaml': server('"-memory"') },
    expected: ['a.yaml:4:9: metadata.name: must be a DNS label: start and end with a letter or digit (did you mean "memory"?)'],
  },
  {
    name: 'name: Environment names are DNS labels too',
    files: { 'env.yaml': production.replace('name: production', 'name: Prod_1') },
    expected: ['env.yaml:3:19: metadata.name: must be a DNS label: only lowercase letters, digits and "-", found "_" (did you mean "prod-1"?)'],
  },
  {
    name: 'name: duplicate server across files, pointing at the first',
    files: { 'servers/a.yaml': server('memory'), 'other/memory.yaml': server('memory') },
    expected: ['servers/a.yaml:4:9: metadata.name: duplicate MCPServer name "memory" (first defined at other/memory.yaml:4:9)'],
  },
  {
    name: 'name: duplicate Environment',
    files: { 'env/a.yaml': production, 'env/b.yaml': production },
    expected: ['env/b.yaml:3:19: metadata.name: duplicate Environment name "production" (first defined at env/a.yaml:3:19)'],
  },
  {
    name: 'name: an environments key that is not a DNS label',
    files: { 'a.yaml': server('a', '  environments:\n    Production: { command: node2 }\n') },
    expected: ['a.yaml:9:5: spec.environments.Production: key must be a DNS label: lowercase only (did you mean "production"?)'],
  },

  // ---- dependsOn -----------------------------------------------------------------------------
  {
    name: 'dependsOn: unknown target with did-you-mean',
    files: { 'a.yaml': server('memory', '  dependsOn: [everything, everythin]\n'), 'b.yaml': server('everything') },
    expected: ['a.yaml:8:27: spec.dependsOn[1]: unknown server "everythin" (did you mean "everything"?)'],
  },
  {
    name: 'dependsOn: a disabled server',
    files: { 'a.yaml': server('a', '  dependsOn: [b]\n'), 'b.yaml': server('b', '  enabled: false\n') },
    expected: ['a.yaml:8:15: spec.dependsOn[0]: server "b" is disabled (enabled: false); enable it or remove it from dependsOn'],
  },
  {
    name: 'dependsOn: itself',
    files: { 'a.yaml': server('a', '  dependsOn: [a]\n') },
    expected: ['a.yaml:8:15: spec.dependsOn[0]: circular dependency: a -> a (a server cannot depend on itself)'],
  },
  {
    name: 'dependsOn: two-node cycle, reported once',
    files: { 'a.yaml': server('a', '  dependsOn: [b]\n'), 'b.yaml': server('b', '  dependsOn: [a]\n') },
    expected: ['a.yaml:8:15: spec.dependsOn[0]: circular dependency: a -> b -> a'],
  },
  {
    name: 'dependsOn: three-node cycle named from its smallest name, beside a healthy chain',
    files: {
      'x.yaml': server('x', '  dependsOn: [y]\n'),
      'y.yaml': server('y', '  dependsOn: [z, base]\n'),
      'z.yaml': server('z', '  dependsOn:\n    - base\n    - x\n'),
      'base.yaml': server('base'),
    },
    expected: ['x.yaml:8:15: spec.dependsOn[0]: circular dependency: x -> y -> z -> x'],
  },
  {
    name: 'dependsOn: a server that is itself invalid causes no follow-on error',
    files: { 'a.yaml': server('a', '  dependsOn: [b]\n'), 'b.yaml': server('b', '  port: http\n') },
    expected: ['b.yaml:8:9: spec.port: must be an integer, got a string'],
  },
  {
    name: 'uniqueItems: dependsOn and expectTools, pointing at the second copy',
    files: {
      'a.yaml': server('a', '  dependsOn: [b, b]\n  health:\n    expectTools: [echo, add, echo]\n'),
      'b.yaml': server('b'),
    },
    expected: [
      'a.yaml:8:18: spec.dependsOn[1]: "b" is listed twice (first at index 0); remove one',
      'a.yaml:10:30: spec.health.expectTools[2]: "echo" is listed twice (first at index 0); remove one',
    ],
  },

  // ---- variables and secrets -----------------------------------------------------------------
  {
    name: 'secret: required token variable without a secret',
    files: { 'a.yaml': server('a', '  env: { API_KEY: "{{ vars.api_key }}" }\n  variables:\n    - { name: api_key, type: token, required: true }\n') },
    expected: ['a.yaml:10:7: spec.variables[0]: required token variable "api_key" has no value: no secret "api_key" is set, and no Environment sets it'],
  },
  {
    name: 'secret: used in a template but not set',
    files: { 'a.yaml': server('a', '  env:\n    API_KEY: "Bearer {{ secrets.api_key }}"\n') },
    expected: ['a.yaml:9:14: spec.env.API_KEY: no secret "api_key" is set'],
  },
  {
    name: 'variable: required, no Environment value, no default',
    environment: 'production',
    files: { 'a.yaml': server('a', '  variables:\n    - name: region\n      required: true\n'), 'env.yaml': production },
    expected: ['a.yaml:9:7: spec.variables[0]: required variable "region" has no value: set it in an Environment or give it a default'],
  },
  {
    name: 'variable: bad URL from the Environment is located in the Environment',
    environment: 'production',
    files: {
      'a.yaml': server('a', '  variables:\n    - { name: endpoint, type: url }\n'),
      'env.yaml': `${production}    endpoint: api.example.com/v1\n`,
    },
    expected: ['env.yaml:7:15: spec.variables.endpoint: variable "endpoint" must be an absolute URL such as https://host/path, got "api.example.com/v1"'],
  },
  {
    name: 'variable: bad URL default, "host:port" is no URL',
    files: { 'a.yaml': server('a', '  variables:\n    - { name: endpoint, type: url, default: "localhost:8080" }\n') },
    expected: ['a.yaml:9:45: spec.variables[0].default: variable "endpoint" must be an absolute URL such as https://host/path, got "localhost:8080"'],
  },
  {
    name: 'variable: boolean given a string by the Environment',
    environment: 'production',
    files: {
      'a.yaml': server('a', '  variables:\n    - { name: debug, type: boolean, default: false }\n'),
      'env.yaml': `${production}    debug: "yes"\n`,
    },
    expected: ['env.yaml:7:12: spec.variables.debug: variable "debug" must be a boolean (true or false without quotes), got the string "yes"'],
  },
  {
    name: 'variable: duplicate name',
    files: { 'a.yaml': server('a', '  variables:\n    - { name: level, default: info }\n    - { name: level, default: warn }\n') },
    expected: ['a.yaml:10:15: spec.variables[1].name: duplicate variable "level" (first declared as spec.variables[0]); remove one'],
  },
  {
    name: 'variable: bad declarations (name pattern, type enum, missing name)',
    files: { 'a.yaml': server('a', '  variables:\n    - { name: log-level }\n    - { name: n, type: int }\n    - { type: url }\n') },
    expected: [
      'a.yaml:9:15: spec.variables[0].name: must be a name of letters, digits and "_", not starting with a digit (did you mean "log_level"?)',
      'a.yaml:10:24: spec.variables[1].type: must be one of: string, token, url, boolean',
      'a.yaml:11:7: spec.variables[2].name: required field missing',
    ],
  },
  {
    name: 'variable: Environment values of the wrong shape',
    files: { 'env.yaml': `${production}    log-level: debug\n    tools: [a, b]\n` },
    expected: [
      'env.yaml:7:5: spec.variables.log-level: key must be a name of letters, digits and "_", not starting with a digit (did you mean "log_level"?)',
      'env.yaml:8:12: spec.variables.tools: must be a string, a boolean or a number, got a list',
    ],
  },

  // ---- templates -----------------------------------------------------------------------------
  {
    name: 'template: undefined variable with did-you-mean',
    files: { 'a.yaml': server('a', '  args: ["--level={{ vars.log_levle }}"]\n  variables:\n    - { name: log_level, default: info }\n') },
    expected: ['a.yaml:8:10: spec.args[0]: undefined variable "vars.log_levle" (did you mean "vars.log_level"?)'],
  },
  {
    name: 'template: undefined variable without a near name',
    files: { 'a.yaml': server('a', '  args: ["{{ vars.nope }}"]\n') },
    expected: ['a.yaml:8:10: spec.args[0]: undefined variable "vars.nope": declare it in spec.variables or set it in the Environment'],
  },
  {
    name: 'template: undefined top-level name',
    files: { 'a.yaml': server('a', '  args: ["{{ nope }}", "{{ env }}"]\n') },
    expected: [
      'a.yaml:8:10: spec.args[0]: undefined name "nope" (templates see vars, secrets, environment, server)',
      'a.yaml:8:24: spec.args[1]: undefined name "env" (did you mean "environment"?) (templates see vars, secrets, environment, server)',
    ],
  },
  {
    name: 'template: undefined server field',
    files: { 'a.yaml': server('a', '  args: ["{{ server.nme }}", "{{ server.commit }}"]\n') },
    expected: [
      'a.yaml:8:10: spec.args[0]: undefined name "server.nme" (did you mean "server.name"?)',
      'a.yaml:8:30: spec.args[1]: undefined name "server.commit" (server has name, version)',
    ],
  },
  {
    name: 'template: nunjucks globals are not names templates see',
    files: { 'a.yaml': server('a', '  args: ["{{ cycler }}"]\n') },
    expected: ['a.yaml:8:10: spec.args[0]: undefined name "cycler" (templates see vars, secrets, environment, server)'],
  },
  {
    name: 'template: syntax errors with their column inside the value',
    files: { 'a.yaml': server('a', '  args:\n    - "--x={{ }}"\n    - "{% if environment %}on"\n    - "{% include \'x\' %}"\n') },
    expected: [
      'a.yaml:9:7: spec.args[0]: template syntax error: unexpected token: }} (at column 8 of the value)',
      'a.yaml:10:7: spec.args[1]: template syntax error: expected elif, else, or endif, got end of file',
      'a.yaml:11:7: spec.args[2]: include is not allowed in templates',
    ],
  },
  {
    name: 'template: unknown and nondeterministic filters',
    files: { 'a.yaml': server('a', '  args: ["{{ server.name | uper }}", "{{ server.name | random }}"]\n') },
    expected: [
      'a.yaml:8:10: spec.args[0]: unknown filter "uper" (did you mean "upper"?)',
      'a.yaml:8:38: spec.args[1]: filter "random" is not allowed: templates must render the same way every time',
    ],
  },
  {
    name: 'sandbox: constructor of a global, called',
    files: { 'a.yaml': server('a', '  args: [\'{{ range.constructor("return process")() }}\']\n') },
    expected: ['a.yaml:8:10: spec.args[0]: function calls are not allowed in templates (filters are: {{ x | upper }})'],
  },
  {
    name: 'sandbox: constructor of a string literal',
    files: { 'a.yaml': server('a', '  env:\n    X: \'{{ "".constructor.constructor("return 1")() }}\'\n') },
    expected: ['a.yaml:9:8: spec.env.X: function calls are not allowed in templates (filters are: {{ x | upper }})'],
  },
  {
    name: 'sandbox: prototype and constructor access without a call',
    files: { 'a.yaml': server('a', '  args: ["{{ x.__proto__ }}", "{{ server.name.constructor }}", "{{ __proto__ }}"]\n') },
    expected: [
      'a.yaml:8:10: spec.args[0]: access to "__proto__" is not allowed in templates',
      'a.yaml:8:31: spec.args[1]: access to "constructor" is not allowed in templates',
      'a.yaml:8:64: spec.args[2]: access to "__proto__" is not allowed in templates',
    ],
  },
  {
    name: 'sandbox: computed lookup',
    files: { 'a.yaml': server('a', '  args: [\'{% set k = "constructor" %}{{ server[k] }}\']\n') },
    expected: ['a.yaml:8:10: spec.args[0]: computed lookups (x[y]) are not allowed in templates; use a literal key'],
  },
  {
    name: 'template: a missing field of a defined value',
    files: { 'a.yaml': server('a', '  args: ["{{ server.name.first }}"]\n') },
    expected: ['a.yaml:8:10: spec.args[0]: template produced an undefined value (a field that does not exist?)'],
  },

  // ---- cross-field checks --------------------------------------------------------------------
  {
    name: 'transport: streamable-http without port, located at the transport',
    files: { 'a.yaml': server('a', '  transport: streamable-http\n') },
    expected: ['a.yaml:8:14: spec.port: required for transport streamable-http: the port the server listens on'],
  },
  {
    name: 'canary: an HTTP server on a fixed host port cannot run two instances on the process runtime',
    files: { 'a.yaml': server('a', '  transport: streamable-http\n  port: 3000\n  rollout:\n    strategy: canary\n') },
    expected: [
      'a.yaml:11:15: spec.rollout.strategy: a canary runs the new version beside the stable one, but on the process runtime both would need host port 3000; use blue-green, a stdio server, or the kubernetes runtime',
    ],
  },
  {
    name: 'canary: steps must increase',
    files: { 'a.yaml': server('a', '  rollout:\n    strategy: canary\n    canary:\n      steps: [10, 5, 100]\n') },
    expected: ['a.yaml:11:19: spec.rollout.canary.steps[1]: steps must increase: 5 follows 10'],
  },
  {
    name: 'canary: the last step must be 100',
    files: { 'a.yaml': server('a', '  rollout:\n    strategy: canary\n    canary:\n      steps: [10, 50]\n') },
    expected: ['a.yaml:11:19: spec.rollout.canary.steps[1]: the last step must be 100 (every new session on the new version), not 50'],
  },
  {
    name: 'canary: a canary block without strategy canary',
    files: { 'a.yaml': server('a', '  rollout:\n    canary:\n      stepSeconds: 5\n') },
    expected: ['a.yaml:9:5: spec.rollout.canary: only used with strategy: canary; set rollout.strategy: canary or remove it'],
  },
  {
    name: 'port: out of range',
    files: { 'a.yaml': server('a', '  transport: sse\n  port: 70000\n') },
    expected: ['a.yaml:9:9: spec.port: must be at most 65535, got 70000'],
  },
  {
    name: 'replicas: a stdio server of the process runtime is refused',
    files: { 'a.yaml': server('a', '  replicas: 2\n') },
    expected: [
      "a.yaml:8:13: spec.replicas: replicas: 2 of a stdio server on the process runtime is refused: its instances are the daemon's own children on its pipes; use transport streamable-http on distinct ports ({{ replica.index }} in port), or the docker or kubernetes runtime",
    ],
  },
  {
    name: 'replicas: an HTTP server on one fixed host port, on the process runtime',
    files: { 'a.yaml': server('a', '  transport: streamable-http\n  port: 3000\n  replicas: 3\n') },
    expected: [
      'a.yaml:9:9: spec.port: with replicas: 3 on the process runtime every replica listens on its own host port: template it with {{ replica.index }}, e.g. port: "{{ 3000 + replica.index }}"',
    ],
  },
  {
    name: 'replicas: a remote server is never started, so it has no replicas',
    files: { 'a.yaml': server('a', '  replicas: 2\n').replace('command: node', 'url: https://vendor.example/mcp') },
    expected: [
      'a.yaml:8:13: spec.replicas: a remote server (url, line 7) runs elsewhere: the daemon starts no replicas of it; remove replicas (or set it to 1)',
    ],
  },
  {
    name: 'replicas: at least 1',
    runtime: 'docker',
    files: { 'a.yaml': server('a', '  replicas: 0\n').replace('command: node', 'image: ghcr.io/org/a:1') },
    expected: ['a.yaml:8:13: spec.replicas: must be at least 1, got 0'],
  },
  {
    name: 'replicas: replica.index outside port and env',
    runtime: 'docker',
    files: { 'a.yaml': server('a', '  args: ["{{ replica.index }}"]\n').replace('command: node', 'image: ghcr.io/org/a:1') },
    expected: ['a.yaml:8:10: spec.args[0]: replica.index is only available in port and env (each replica renders them with its own index)'],
  },
  {
    name: 'port: a template must render to a port number',
    files: { 'a.yaml': server('a', '  transport: sse\n  port: "{{ 70000 + replica.index }}"\n') },
    expected: ['a.yaml:9:9: spec.port: must render to a port number (1-65535); the template rendered "70000"'],
  },
  {
    name: 'port: a quoted number is not a template',
    files: { 'a.yaml': server('a', '  transport: sse\n  port: "3000"\n') },
    expected: ['a.yaml:9:9: spec.port: must be an integer, got a string (remove the quotes: 3000)'],
  },
  {
    name: 'cwd: escapes with ..',
    files: { 'a.yaml': server('a', '  cwd: tools/../../secrets\n') },
    expected: ['a.yaml:8:8: spec.cwd: must be a relative path inside the repository path (no leading "/" or "..")'],
  },
  {
    name: 'cwd: absolute',
    files: { 'a.yaml': server('a', '  cwd: /etc\n') },
    expected: ['a.yaml:8:8: spec.cwd: must be a relative path inside the repository path (no leading "/" or "..")'],
  },
  {
    name: 'env: keys with invalid characters',
    files: { 'a.yaml': server('a', '  env:\n    LOG-LEVEL: debug\n    1PASSWORD: x\n') },
    expected: [
      'a.yaml:9:5: spec.env.LOG-LEVEL: key must be a name of letters, digits and "_", not starting with a digit (did you mean "LOG_LEVEL"?)',
      'a.yaml:10:5: spec.env["1PASSWORD"]: key must be a name of letters, digits and "_", not starting with a digit',
    ],
  },
  {
    name: 'runtime process: command missing, located at spec',
    files: { 'a.yaml': server('a').replace('command: node', 'image: ghcr.io/org/a:1') },
    expected: ['a.yaml:5:1: spec.command: required by the process runtime'],
  },
  {
    name: 'runtime docker: image missing',
    runtime: 'docker',
    files: { 'a.yaml': server('a') },
    expected: ['a.yaml:5:1: spec.image: required by the docker runtime'],
  },
  {
    name: 'runtime kubernetes: a stdio server needs command (its pod runs it behind the bridge)',
    runtime: 'kubernetes',
    files: { 'a.yaml': server('a').replace('command: node', 'image: ghcr.io/org/a:1') },
    expected: ['a.yaml:7:10: spec.command: required by the kubernetes runtime for a stdio server: the pod runs it behind mcp-gitops bridge'],
  },
  {
    name: 'runtime unknown (validate): neither command nor image',
    runtime: null,
    files: { 'a.yaml': server('a').replace('  command: node\n', '  args: [x]\n') },
    expected: ['a.yaml:5:1: spec: one of command (process runtime) or image (docker, kubernetes) is required'],
  },
  {
    name: 'health: timeoutSeconds 0 and a negative stabilization',
    files: { 'a.yaml': server('a', '  health:\n    timeoutSeconds: 0\n    stabilizationSeconds: -1\n') },
    expected: [
      'a.yaml:9:21: spec.health.timeoutSeconds: must be greater than 0, got 0',
      'a.yaml:10:27: spec.health.stabilizationSeconds: must be at least 0, got -1',
    ],
  },
  {
    name: 'missing version points at spec',
    files: { 'a.yaml': server('a').replace('  version: "1"\n', '') },
    expected: ['a.yaml:5:1: spec.version: required field missing'],
  },

  // ---- environment overlays ------------------------------------------------------------------
  {
    name: 'overlay: schema error inside the override',
    environment: 'production',
    files: { 'a.yaml': server('a', '  transport: sse\n  port: 3000\n  environments:\n    production:\n      port: 70000\n') },
    expected: ['a.yaml:12:13: spec.environments.production.port: must be at most 65535, got 70000'],
  },
  {
    name: 'overlay: checks and templates on override values are located in the override',
    environment: 'production',
    files: {
      'a.yaml': server(
        'a',
        [
          '  env: { A: ok }',
          '  environments:',
          '    production:',
          '      transport: streamable-http',
          '      cwd: ../shared',
          '      env:',
          '        B: "{{ vars.nope }}"',
          '      dependsOn: [missing]',
        ].join('\n'),
      ),
    },
    expected: [
      'a.yaml:11:18: spec.port: required for transport streamable-http: the port the server listens on',
      'a.yaml:12:12: spec.environments.production.cwd: must be a relative path inside the repository path (no leading "/" or "..")',
      'a.yaml:14:12: spec.environments.production.env.B: undefined variable "vars.nope": declare it in spec.variables or set it in the Environment',
      'a.yaml:15:19: spec.environments.production.dependsOn[0]: unknown server "missing"',
    ],
  },
  {
    name: 'overlay: errors of other environments are not reported (but their schema is)',
    environment: 'staging',
    files: { 'a.yaml': server('a', '  environments:\n    production:\n      cwd: /abs\n      args: ["{{ nope }}"]\n    staging: 5\n') },
    expected: ['a.yaml:12:14: spec.environments.staging: must be a mapping, got an integer'],
  },

  // ---- many files at once --------------------------------------------------------------------
  {
    name: 'several files: every error at once, sorted by file, line and column',
    files: {
      'z.yaml': server('z').replace('version: "1"', 'version: 2'),
      'a.yaml': server('a', '  dependsOn: [nothere]\n'),
      'h.yaml': server('h', '  health: { timeoutSeconds: 0 }\n'),
      'm/b.yml': 'kind: Nope\n',
      'm/d.yml': 'apiVersion: mcp-gitops/v9\nkind: Environment\n',
      'm/c.yaml': server('c', '  args: ["{{ nope }}"]\n'),
      'notes.txt': 'not yaml: [',
    },
    expected: [
      'a.yaml:8:15: spec.dependsOn[0]: unknown server "nothere"',
      'h.yaml:8:29: spec.health.timeoutSeconds: must be greater than 0, got 0',
      'm/c.yaml:8:10: spec.args[0]: undefined name "nope" (templates see vars, secrets, environment, server)',
      'm/d.yml:1:1: metadata: required field missing',
      'm/d.yml:1:1: spec: required field missing',
      'm/d.yml:1:13: apiVersion: unsupported apiVersion "mcp-gitops/v9" (expected "mcp-gitops/v1")',
      'z.yaml:6:12: spec.version: must be a string, got an integer (quote it: "2")',
    ],
    skipped: ['m/b.yml:1:1: -: skipped: no apiVersion and kind "Nope" is not one of MCPServer, Environment, Notifier'],
  },
  {
    name: "apiVersion: a typo inside our group stays an error beside another tool's document",
    files: { 'a.yaml': `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\n---\n${server('a').replace('mcp-gitops/v1', 'mcp-gitops/v9')}` },
    expected: ['a.yaml:5:13: apiVersion: unsupported apiVersion "mcp-gitops/v9" (expected "mcp-gitops/v1")'],
    skipped: ['a.yaml:1:1: -: skipped: apiVersion "apps/v1" is not mcp-gitops/*'],
  },
];
