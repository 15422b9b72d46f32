// The CLI against real git repositories: exit codes, masking, waves, committed content only.
import { cpSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { sink } from './helpers/run-cli.js';
import { commit, git, initRepo, tempDir, writeFiles } from '../source/helpers/git-fixture.js';

const root = new URL('../..', import.meta.url).pathname;
const SECRET = 'sup3r-s3cret-value';

async function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  const stdout = sink(),
    stderr = sink();
  const code = await main(args, { stdout, stderr, env });
  return { code, out: stdout.text(), err: stderr.text() };
}

describe('mcp-gitops validate / render / plan', () => {
  const tmp = tempDir('mcp-gitops-cli-');
  const repo = join(tmp.dir, 'repo');
  const secrets = join(tmp.dir, 'secrets');
  let head = '';

  beforeAll(() => {
    initRepo(repo);
    cpSync(join(root, 'sample-repo'), join(repo, 'sample-repo'), { recursive: true });
    head = commit(repo, {}, 'sample');
    mkdirSync(secrets);
    writeFileSync(join(secrets, 'memory_api_key'), `${SECRET}\n`);
  });
  afterAll(() => tmp.cleanup());

  it('validates the committed sample-repo with no setup', async () => {
    const r = await run(['validate', '--repo', repo, '--path', 'sample-repo']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`valid: ${head.slice(0, 12)}: 3 servers (everything, everything-http, memory)\n`);
    expect(r.err).toContain('secrets not checked');
  });

  it("validates at the root of a repository that also holds other tools' YAML: skipped with a note each", async () => {
    const mixed = join(tmp.dir, 'mixed');
    initRepo(mixed);
    cpSync(join(root, 'sample-repo'), join(mixed, 'sample-repo'), { recursive: true });
    cpSync(join(root, 'deploy'), join(mixed, 'deploy'), { recursive: true });
    const sha = commit(
      mixed,
      {
        '.github/workflows/ci.yml': 'name: ci\non: [push]\njobs:\n  test: { runs-on: ubuntu-latest, steps: [{ run: npm test }] }\n',
        'ansible.yml': '- hosts: all\n',
      },
      'mixed',
    );
    const r = await run(['validate', '--repo', mixed]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe(`valid: ${sha.slice(0, 12)}: 3 servers (everything, everything-http, memory)\n`);
    expect(r.err).toMatch(/^note: deploy\/kubernetes\/deployment\.yaml:\d+:1: -: skipped: apiVersion "apps\/v1" is not mcp-gitops\/\*/m);
    expect(r.err).toMatch(/^note: deploy\/compose\/compose\.yaml:\d+:1: -: skipped: no apiVersion or kind$/m);
    expect(r.err).toContain('note: .github/workflows/ci.yml:1:1: -: skipped: no apiVersion or kind');
    expect(r.err).toContain('note: ansible.yml:1:1: -: skipped: not a mapping, and the file names no mcp-gitops/ apiVersion');
    // a typo inside our own group is still an error
    commit(
      mixed,
      { 'sample-repo/servers/memory.yaml': readFileSync(join(root, 'sample-repo/servers/memory.yaml'), 'utf8').replace('mcp-gitops/v1', 'mcp-gitops/v9') },
      'typo',
    );
    const typo = await run(['validate', '--repo', mixed]);
    expect(typo.code).toBe(1);
    expect(typo.err).toMatch(/sample-repo\/servers\/memory\.yaml:2:13: apiVersion: unsupported apiVersion "mcp-gitops\/v9"/);
  });

  it('serve fails at once, with the reason, when the local repository does not exist or is not a git repository', async () => {
    const missing = await run(['serve', '--repo', join(tmp.dir, 'no-such-dir'), '--state-dir', join(tmp.dir, 'serve-state'), '--port', '0']);
    expect(missing).toMatchObject({ code: 2, out: '' });
    expect(missing.err).toBe(`mcp-gitops serve: repository ${join(tmp.dir, 'no-such-dir')}: does not exist\n`);
    const plain = await run(['serve', '--repo', secrets, '--state-dir', join(tmp.dir, 'serve-state'), '--port', '0']);
    expect(plain.code).toBe(2);
    expect(plain.err).toContain('is not a git repository');
  });

  it('renders with every secret masked', async () => {
    const r = await run(['render', '--repo', repo, '--path', 'sample-repo', '--env', 'dev', '--secrets-dir', secrets, '-o', 'json']);
    expect(r.code).toBe(0);
    expect(r.out).not.toContain(SECRET);
    const out = JSON.parse(r.out) as { servers: { name: string; env: Record<string, string> }[] };
    expect(out.servers.find((s) => s.name === 'memory')!.env).toMatchObject({ API_KEY: '***', LOG_LEVEL: 'debug' });
  });

  it('plans in waves that respect dependsOn, against the state file, and says so', async () => {
    const state = join(tmp.dir, 'state');
    const r = await run(['plan', '--repo', repo, '--path', 'sample-repo', '--state-dir', state]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        `plan for ${head.slice(0, 7)} (rollout) against the state file (${state}, nothing applied):`,
        'WAVE  SERVER           ACTION  VERSION    DETAIL',
        '1     everything       create  2026.8.31  blue-green',
        '1     everything-http  create  2026.8.31  recreate',
        '2     memory           create  2026.8.31  blue-green',
        '3 changes, 0 kept',
        'note: the state file shows what the last sync recorded, not crashes or out-of-band changes: --server asks a running daemon',
        '',
      ].join('\n'),
    );
  });

  it('plans against the applied state: keeps, replaces, prunes', async () => {
    const state = join(tmp.dir, 'state2');
    mkdirSync(state);
    const rendered = JSON.parse((await run(['render', '--repo', repo, '--path', 'sample-repo', '-o', 'json'])).out) as {
      servers: { name: string; specHash: string }[];
    };
    const hashOf = (n: string): string => rendered.servers.find((s) => s.name === n)!.specHash;
    const at = '2026-01-01T00:00:00.000Z';
    writeFileSync(
      join(state, 'state.json'),
      JSON.stringify({
        schemaVersion: 1,
        applied: 'f'.repeat(40),
        servers: {
          everything: { name: 'everything', version: '2026.1.0', commit: 'f'.repeat(40), specHash: 'old', deployedAt: at },
          memory: { name: 'memory', version: '2026.8.31', commit: 'f'.repeat(40), specHash: hashOf('memory'), deployedAt: at },
          gone: { name: 'gone', version: '1', commit: 'f'.repeat(40), specHash: 'x', deployedAt: at },
        },
      }),
    );
    const r = await run(['plan', '--repo', repo, '--path', 'sample-repo', '--state-dir', state, '-o', 'json']);
    expect(r.code).toBe(0);
    const p = JSON.parse(r.out) as {
      source: string;
      waves: { action: string; server: string; version: string; from?: { version?: string } }[][];
      prune: { server: string }[];
    };
    expect(p.source).toBe('state');
    expect(p.waves.map((w) => w.map((c) => `${c.action} ${c.server}`))).toEqual([['start-beside everything', 'create everything-http'], ['keep memory']]);
    expect(p.waves[0][0].from?.version).toBe('2026.1.0');
    expect(p.prune.map((x) => x.server)).toEqual(['gone']);
    const text = await run(['plan', '--repo', repo, '--path', 'sample-repo', '--state-dir', state]);
    expect(text.out).toContain('1     everything       start-beside  2026.1.0 -> 2026.8.31  from fffffff (spec changed); blue-green');
    expect(text.out).toContain('-     gone             prune         1                      no longer desired; drained');
  });

  it('never reads uncommitted edits', async () => {
    writeFiles(repo, { 'sample-repo/servers/memory.yaml': 'not: [valid', 'sample-repo/servers/new.yaml': 'kind: Nope\n' });
    try {
      expect((await run(['validate', '--repo', repo, '--path', 'sample-repo'])).code).toBe(0);
      const p = await run(['plan', '--repo', repo, '--path', 'sample-repo', '--state-dir', join(tmp.dir, 'state3')]);
      expect(p.out).not.toContain('new');
    } finally {
      git(repo, 'checkout', '--', '.');
      git(repo, 'clean', '-fdq');
    }
  });

  it('exits 1 with located errors for an invalid commit, at --rev', async () => {
    const good = head;
    const text = readFileSync(join(repo, 'sample-repo/servers/memory.yaml'), 'utf8').replace('dependsOn: [everything]', 'dependsOn: [everythin]');
    const bad = commit(repo, { 'sample-repo/servers/memory.yaml': text }, 'typo');
    const r = await run(['validate', '--repo', repo, '--path', 'sample-repo']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('sample-repo/servers/memory.yaml:18:15: spec.dependsOn[0]: unknown server "everythin" (did you mean "everything"?)');
    expect(r.err).toContain(`1 error in ${bad.slice(0, 12)}`);
    expect((await run(['validate', '--repo', repo, '--path', 'sample-repo', '--rev', good.slice(0, 8)])).code).toBe(0);
    git(repo, 'reset', '-q', '--hard', good);
  });

  it('exits 2 on usage and I/O errors', async () => {
    expect((await run(['validate', '--bogus'])).code).toBe(2);
    expect((await run(['nope'])).code).toBe(2);
    const missing = await run(['validate', '--repo', join(tmp.dir, 'does-not-exist')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/does-not-exist/);
    expect((await run(['plan', '--repo', repo, '-o', 'xml'])).code).toBe(2);
    expect((await run(['serve'])).err).toContain('--repo is required');
  });

  it('takes flags from MCP_GITOPS_* variables', async () => {
    const r = await run(['validate'], { MCP_GITOPS_REPO: repo, MCP_GITOPS_PATH: 'sample-repo' });
    expect(r.err).not.toMatch(/error/);
    expect(r.code).toBe(0);
  });

  it('prints help', async () => {
    const r = await run(['plan', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('--state-dir <value>');
    expect(r.out).toContain('[MCP_GITOPS_STATE_DIR]');
  });
});
