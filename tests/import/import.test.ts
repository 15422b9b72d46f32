// `mcp-gitops import` on the four client formats (fixtures written from each format's published
// documentation): the specs validate as written, hold no secret value, render back to what the
// client would have run (round trip), come out the same when imported twice, and every key that is
// not carried over is reported.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { importConfig } from '../../src/import/import-config.js';
import { createCompiler } from '../../src/render/desired-state.js';
import { createSecretReader } from '../../src/secrets/secret-reader.js';
import { cli } from '../cli/helpers/run-cli.js';
import { filesFromDir } from '../helpers/spec-files.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/import/', import.meta.url));

/** Each fixture, its format, and the literal secret values it holds (none may reach a spec). */
const CASES = [
  { file: 'claude_desktop_config.json', format: 'Claude Desktop', servers: 3, literals: ['ghp_fixtureTokenNotReal0123456789', 'BSAfixtureKeyNotReal42'] },
  { file: '.cursor/mcp.json', format: 'Cursor', servers: 5, literals: ['value-from-cursor-docs', 'literal-key-in-cursor-config'] },
  { file: '.vscode/mcp.json', format: 'VS Code', servers: 4, literals: [] },
  { file: 'mcp_settings.json', format: 'MCPHub', servers: 5, literals: ['hub-literal-token-1234', 'fixtureBcryptHashNotReal'] },
] as const;

const GIT_ENV = {
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.invalid',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.invalid',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'mcp-gitops-import-'));
  dirs.push(d);
  return d;
}

function gitCommitAll(dir: string): void {
  const git = (...a: string[]) => execFileSync('git', a, { cwd: dir, env: { ...process.env, ...GIT_ENV }, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'imported');
}

function readTree(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((n) => [n, readFileSync(join(dir, n), 'utf8')]),
  );
}

describe('mcp-gitops import', () => {
  it.each(CASES)('$format ($file): specs that validate as written, no secret value in them, secrets in --secrets-dir (0600)', async (c) => {
    const root = tmp();
    const repo = join(root, 'repo');
    const secrets = join(root, 'secrets');
    const out = join(repo, 'servers');
    const ran = await cli(['import', join(FIXTURES, c.file), '--out', out, '--secrets-dir', secrets]);
    expect(ran.code, ran.err).toBe(0);
    expect(ran.out).toContain(`${c.format}, ${c.servers} servers`);
    const written = readTree(out);
    expect(Object.keys(written)).toHaveLength(c.servers);
    for (const [name, text] of Object.entries(written)) for (const secret of c.literals) expect(text, `${secret} in ${name}`).not.toContain(secret);
    for (const secret of c.literals) expect(ran.out + ran.err).not.toContain(secret);
    const stored = c.literals.length > 0 ? readdirSync(secrets) : [];
    expect(stored.length).toBeGreaterThanOrEqual(c.literals.length > 0 ? 1 : 0);
    for (const name of stored) expect(statSync(join(secrets, name)).mode & 0o777).toBe(0o600);
    for (const name of stored) expect(c.literals.some((l) => readFileSync(join(secrets, name), 'utf8').includes(l))).toBe(true);

    gitCommitAll(repo);
    const valid = await cli(['validate', '--repo', repo]);
    expect(valid.code, valid.out + valid.err).toBe(0);
    expect(valid.out).toContain(`valid: `);

    // a second import writes the very same files
    const again = await cli(['import', join(FIXTURES, c.file), '--out', out, '--secrets-dir', secrets]);
    expect(again.code).toBe(0);
    expect(again.out).not.toMatch(/^wrote .*\.yaml$/m);
    expect(readTree(out)).toEqual(written);
  });

  it('round trip: each imported spec renders back to what the client would have run (secrets read back from --secrets-dir and the environment)', async () => {
    const root = tmp();
    const out = join(root, 'servers');
    const secrets = join(root, 'secrets');
    // all four into one directory: a name another file's server has already is not overwritten
    for (const c of CASES) expect((await cli(['import', join(FIXTURES, c.file), '--out', out, '--secrets-dir', secrets])).code).toBe(0);
    expect((await cli(['import', join(FIXTURES, '.vscode/mcp.json'), '--out', out, '--secrets-dir', secrets])).out).toContain(
      `unchanged ${join(out, 'github-2.yaml')}`,
    );
    // inputs VS Code would have prompted for; environment variables the clients would have read
    writeFileSync(join(secrets, 'perplexity_key'), 'pplx-typed-at-the-prompt\n');
    writeFileSync(join(secrets, 'workspace_name'), 'my-workspace\n');
    const env = {
      GITHUB_TOKEN: 'gh-env-token',
      EXAMPLE_API_TOKEN: 'ex-env-token',
      AMAP_MAPS_API_KEY: 'amap-env',
      SLACK_BOT_TOKEN: 'xoxb-env',
      SLACK_TEAM_ID: 'T0001',
    };
    const state = createCompiler().compile({ files: filesFromDir(root, 'servers'), basePath: '.' }, { secrets: createSecretReader({ dir: secrets, env }) });
    expect(state.errors).toEqual([]);
    const by = (n: string) => state.servers.find((s) => s.spec.name === n)!.spec;
    expect(by('github').env).toEqual({ GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_fixtureTokenNotReal0123456789' });
    expect(by('brave-search')).toMatchObject({
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-brave-search'],
      env: { BRAVE_API_KEY: 'BSAfixtureKeyNotReal42', LOG_LEVEL: 'info' },
    });
    expect(by('filesystem').args).toEqual(['-y', '@modelcontextprotocol/server-filesystem', '/Users/username/Desktop', '/Users/username/Downloads']);
    expect(by('remote-with-env')).toMatchObject({
      url: 'https://api.example.com/v1/mcp',
      transport: 'streamable-http',
      headers: { Authorization: 'Bearer ex-env-token' },
    });
    expect(by('scraper').headers).toEqual({ 'X-Api-Key': 'literal-key-in-cursor-config' });
    expect(by('legacy-sse')).toMatchObject({ url: 'http://localhost:8931/sse', transport: 'sse' });
    expect(by('perplexity').env).toEqual({ PERPLEXITY_API_KEY: 'pplx-typed-at-the-prompt', WORKSPACE: 'my-workspace' });
    expect(by('github-2')).toMatchObject({ url: 'https://api.githubcopilot.com/mcp/', headers: { Authorization: 'Bearer gh-env-token' } });
    expect(by('legacy').transport).toBe('sse');
    expect(by('amap').env).toEqual({ AMAP_MAPS_API_KEY: 'amap-env' });
    expect(by('remote-sse')).toMatchObject({ transport: 'sse', headers: { Authorization: 'Bearer hub-literal-token-1234' } });
    expect(state.disabled).toEqual(['slack']);
    // the display twin masks every one of them
    for (const s of state.servers) expect(JSON.stringify(s.masked)).not.toMatch(/fixture|literal-key|hub-literal|env-token|pplx-typed/);
  });

  it('without --secrets-dir, the secrets to provide are listed by name, with no value', async () => {
    const root = tmp();
    const ran = await cli(['import', join(FIXTURES, 'claude_desktop_config.json'), '--out', join(root, 'servers')]);
    expect(ran.code).toBe(0);
    expect(ran.out).toContain('secrets to provide');
    expect(ran.out).toMatch(
      /^ {2}github_github_personal_access_token: its value is in the imported file at mcpServers\.github\.env\.GITHUB_PERSONAL_ACCESS_TOKEN$/m,
    );
    expect(ran.out + ran.err).not.toContain('ghp_fixtureTokenNotReal0123456789');
    expect(readdirSync(root)).toEqual(['servers']);
  });

  it('every key not carried over is reported with its path; template syntax in a value stays literal', () => {
    const text = JSON.stringify({
      mcpServers: {
        odd: { command: 'node', args: ['{{ not-a-template }}'], bogus: 1, cwd: '/srv/odd', env: { 'BAD-NAME': 'x' } },
        nothing: { description: 'no command, no url' },
        ftp: { type: 'openapi', url: 'https://x.example/openapi.json' },
      },
      somethingElse: true,
    });
    const r = importConfig(text, { fileName: 'mcp.json', format: 'cursor' });
    expect(r.notes.map((n) => `${n.at}: ${n.message}`)).toEqual([
      'mcpServers.odd.bogus: unknown key: not imported',
      'mcpServers.nothing.description: unknown key: not imported',
      'somethingElse: unknown key: not imported',
      "mcpServers.odd.cwd: not imported: spec.cwd is a directory of the spec repository's checkout, not of this machine",
      'mcpServers.odd.env.BAD-NAME: "BAD-NAME" is not a valid environment variable name: not imported',
      'mcpServers.nothing: neither command nor url: server not imported',
      'mcpServers.ftp.type: type "openapi" is not an MCP transport mcp-gitops serves: server not imported',
    ]);
    expect(r.specs.map((s) => s.name)).toEqual(['odd']);
    expect(r.specs[0].text).toContain('{% raw %}{{ not-a-template }}{% endraw %}');
    const state = createCompiler().compile(
      { files: [{ path: 'odd.yaml', content: new TextEncoder().encode(r.specs[0].text) }], basePath: '.' },
      { secrets: createSecretReader({ env: {} }) },
    );
    expect(state.errors).toEqual([]);
    expect(state.servers[0].spec.args).toEqual(['{{ not-a-template }}']);
  });

  it('a file that is not JSON is a usage error (exit 2) naming the line', async () => {
    const root = tmp();
    const bad = join(root, 'mcp.json');
    writeFileSync(bad, '{\n  "mcpServers": {\n    "x": { "command": }\n}\n');
    const ran = await cli(['import', bad, '--out', join(root, 'servers')]);
    expect(ran.code).toBe(2);
    expect(ran.err).toMatch(/not valid JSON \(line 3: /);
  });
});
