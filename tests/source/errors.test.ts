import { join } from 'node:path';
import { Errors } from 'isomorphic-git';
import { describe, expect, it } from 'vitest';
import { toSourceError } from '../../src/source/error-map.js';
import { parseRepoLocation } from '../../src/source/repo-location.js';
import { SourceError } from '../../src/source/source-error.js';

const ctx = { repo: 'https://git.example/o/r.git', secrets: ['tok3n'], authConfigured: true };

describe('parseRepoLocation', () => {
  it('keeps credentials out of the URL and names the mirror after it', () => {
    const loc = parseRepoLocation('https://x-access-token:tok3n@git.example/o/r.git/', '/state');
    expect(loc).toMatchObject({ kind: 'remote', url: 'https://git.example/o/r.git', userinfo: { username: 'x-access-token', password: 'tok3n' } });
    const plain = parseRepoLocation('https://git.example/o/r.git', '/state');
    expect(plain.kind === 'remote' && plain.mirrorDir).toMatch(/^\/state\/git\/git\.example-o-r\.git-[0-9a-f]{16}$/);
    expect(loc.kind === 'remote' && loc.mirrorDir).toBe(plain.kind === 'remote' && plain.mirrorDir);
    expect(JSON.stringify(plain)).not.toContain('tok3n');
  });

  it('treats paths and file:// URLs as local', () => {
    expect(parseRepoLocation('file:///srv/specs', '/s')).toMatchObject({ kind: 'local', dir: '/srv/specs' });
    expect(parseRepoLocation('specs', '/s')).toMatchObject({ kind: 'local', dir: join(process.cwd(), 'specs') });
  });
});

describe('toSourceError', () => {
  const net = (code: string) => Object.assign(new Error(`connect ${code} tok3n`), { code });
  it.each([
    [new Errors.HttpError(401, 'Unauthorized', 'tok3n'), 'AUTH_FAILED', false],
    [new Errors.HttpError(403, 'Forbidden', ''), 'AUTH_FAILED', false],
    [new Errors.HttpError(404, 'Not Found', ''), 'REPO_NOT_FOUND', false],
    [new Errors.HttpError(503, 'Unavailable', ''), 'NETWORK', true],
    [new Errors.HttpError(429, 'Too Many Requests', ''), 'NETWORK', true],
    [net('ECONNREFUSED'), 'NETWORK', true],
    [net('ENOTFOUND'), 'NETWORK', true],
    [net('ETIMEDOUT'), 'NETWORK', true],
    [new Errors.SmartHttpError('<html>', '<html>'), 'REPO_NOT_FOUND', false],
    [new Error('boom tok3n'), 'GIT_ERROR', false],
  ] as const)('%s -> %s', (err, code, transient) => {
    const e = toSourceError(err, ctx);
    expect(e).toBeInstanceOf(SourceError);
    expect(e.code).toBe(code);
    expect(e.transient).toBe(transient);
    expect(e.message.startsWith(`repository ${ctx.repo}: `)).toBe(true);
    expect(`${e.message} ${String(e.cause)}`).not.toContain('tok3n');
  });

  it('gives NotFoundError the meaning of the operation', () => {
    const e = toSourceError(new Errors.NotFoundError('refs/heads/x'), ctx, { code: 'BRANCH_NOT_FOUND', message: 'branch "x" not found' });
    expect(e.code).toBe('BRANCH_NOT_FOUND');
    expect(e.message).toBe(`repository ${ctx.repo}: branch "x" not found`);
  });
});
