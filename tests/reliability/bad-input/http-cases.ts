// Hostile and broken HTTP requests to every route of buildApp(): each gets exactly its status and
// error, and none of them queues a sync (except where noted).
import { createHmac } from 'node:crypto';

export const API_TOKEN = 'api-token-0123456789';
export const WEBHOOK_SECRET = 'webhook-secret-0123456789';

export interface HttpCase {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'OPTIONS' | 'HEAD' | 'TRACE';
  url: string;
  headers?: Record<string, string>;
  payload?: string | Buffer;
  status: number;
  /** The exact JSON body (or a regex over the raw body). */
  body?: unknown;
  /** Syncs this request may queue (default 0). */
  syncs?: number;
  /** A known bug: the case is expected to fail until it is fixed (names file:line and the fix). */
  bug?: string;
}

const auth = { authorization: `Bearer ${API_TOKEN}` };
const json = { 'content-type': 'application/json' };
const hook = { ...json, authorization: `Bearer ${WEBHOOK_SECRET}` };
const github = (payload: string): Record<string, string> => ({
  ...json,
  'x-github-event': 'push',
  'x-hub-signature-256': `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(payload).digest('hex')}`,
});
const notFound = (method: string, url: string): unknown => ({ message: `Route ${method}:${url} not found`, error: 'Not Found', statusCode: 404 });
const TOO_LARGE = { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE', error: 'Payload Too Large', message: 'Request body is too large' };
const UNSUPPORTED = { error: 'expected a JSON body (Content-Type: application/json)' };
const NOT_OBJECT = { error: 'body must be a JSON object such as {"force": true}' };
const MiB = 1024 * 1024;
const deepJson = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;

export const HTTP_CASES: HttpCase[] = [
  // ---- POST /sync: bodies ------------------------------------------------------------------------
  { name: 'sync: malformed JSON', method: 'POST', url: '/sync', headers: { ...auth, ...json }, payload: '{"force": tru', status: 400, body: NOT_OBJECT },
  { name: 'sync: a JSON array', method: 'POST', url: '/sync', headers: { ...auth, ...json }, payload: '[]', status: 400, body: NOT_OBJECT },
  { name: 'sync: JSON null', method: 'POST', url: '/sync', headers: { ...auth, ...json }, payload: 'null', status: 400, body: NOT_OBJECT },
  { name: 'sync: a JSON string', method: 'POST', url: '/sync', headers: { ...auth, ...json }, payload: '"force"', status: 400, body: NOT_OBJECT },
  {
    name: 'sync: force as a string',
    method: 'POST',
    url: '/sync',
    headers: { ...auth, ...json },
    payload: '{"force":"true"}',
    status: 400,
    body: { error: 'force must be a boolean' },
  },
  {
    name: 'sync: force as an enormous number',
    method: 'POST',
    url: '/sync',
    headers: { ...auth, ...json },
    payload: '{"force":1e999}',
    status: 400,
    body: { error: 'force must be a boolean' },
  },
  {
    name: 'sync: force smuggled in __proto__',
    method: 'POST',
    url: '/sync',
    headers: { ...auth, ...json },
    payload: '{"__proto__": {"force": true}}',
    status: 202,
    body: { queued: true, syncId: 1, force: false },
    syncs: 1,
  },
  {
    name: 'sync: duplicate keys, the last one counts',
    method: 'POST',
    url: '/sync',
    headers: { ...auth, ...json },
    payload: '{"force": true, "force": false}',
    status: 202,
    body: { queued: true, syncId: 1, force: false },
    syncs: 1,
  },
  {
    name: 'sync: 200 000 levels of nested arrays',
    method: 'POST',
    url: '/sync',
    headers: { ...auth, ...json },
    payload: deepJson,
    status: 400,
    body: NOT_OBJECT,
  },
  {
    name: 'sync: a UTF-8 BOM before the JSON',
    method: 'POST',
    url: '/sync',
    headers: { ...auth, ...json },
    payload: '\ufeff{"force":true}',
    status: 400,
    body: NOT_OBJECT,
  },
  {
    name: 'sync: UTF-16 bytes declared as JSON',
    method: 'POST',
    url: '/sync',
    headers: { ...auth, 'content-type': 'application/json; charset=utf-16' },
    payload: Buffer.from('{"force":true}', 'utf16le'),
    status: 400,
    body: NOT_OBJECT,
  },
  {
    name: 'sync: binary garbage declared as JSON',
    method: 'POST',
    url: '/sync',
    headers: { ...auth, ...json },
    payload: Buffer.from([0xff, 0x00, 0xfe, 0x7b]),
    status: 400,
    body: NOT_OBJECT,
  },
  {
    name: 'sync: content-encoding gzip that is not gzip',
    method: 'POST',
    url: '/sync',
    headers: { ...auth, ...json, 'content-encoding': 'gzip' },
    payload: 'not gzip at all',
    status: 400,
    body: NOT_OBJECT,
  },
  {
    name: 'sync: a 2 MiB JSON body',
    method: 'POST',
    url: '/sync',
    headers: { ...auth, ...json },
    payload: `{"a":"${'x'.repeat(2 * MiB)}"}`,
    status: 413,
    body: TOO_LARGE,
  },
  {
    name: 'sync: a 2 MiB text body',
    method: 'POST',
    url: '/sync',
    headers: { ...auth, 'content-type': 'text/plain' },
    payload: 'x'.repeat(2 * MiB),
    status: 413,
    body: TOO_LARGE,
  },
  {
    name: 'sync: an empty JSON body is a plain sync',
    method: 'POST',
    url: '/sync',
    headers: { ...auth, ...json },
    payload: '',
    status: 202,
    body: { queued: true, syncId: 1, force: false },
    syncs: 1,
  },

  // ---- POST /sync: content types --------------------------------------------------------------------
  {
    name: 'sync: form-encoded (curl -d without -H)',
    method: 'POST',
    url: '/sync',
    headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'force=true',
    status: 415,
    body: UNSUPPORTED,
  },
  {
    name: 'sync: octet-stream',
    method: 'POST',
    url: '/sync',
    headers: { ...auth, 'content-type': 'application/octet-stream' },
    payload: Buffer.from([0, 1, 2]),
    status: 415,
    body: UNSUPPORTED,
  },
  {
    name: 'sync: multipart',
    method: 'POST',
    url: '/sync',
    headers: { ...auth, 'content-type': 'multipart/form-data; boundary=x' },
    payload: '--x\r\n\r\n--x--',
    status: 415,
    body: UNSUPPORTED,
  },
  {
    name: 'sync: XML with an entity',
    method: 'POST',
    url: '/sync',
    headers: { ...auth, 'content-type': 'application/xml' },
    payload: '<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>',
    status: 415,
    body: UNSUPPORTED,
  },
  { name: 'sync: a body without a content type', method: 'POST', url: '/sync', headers: auth, payload: '{"force":true}', status: 415, body: UNSUPPORTED },
  {
    name: 'sync: text/plain carrying {"force": true} is not silently ignored',
    method: 'POST',
    url: '/sync',
    headers: { ...auth, 'content-type': 'text/plain' },
    payload: '{"force":true}',
    status: 415,
    body: UNSUPPORTED,
  },

  // ---- POST /sync: auth ------------------------------------------------------------------------------
  { name: 'sync: no Authorization', method: 'POST', url: '/sync', status: 401, body: { error: 'missing or wrong bearer token' } },
  {
    name: 'sync: a wrong token',
    method: 'POST',
    url: '/sync',
    headers: { authorization: 'Bearer nope' },
    status: 401,
    body: { error: 'missing or wrong bearer token' },
  },
  {
    name: 'sync: the token as Basic auth',
    method: 'POST',
    url: '/sync',
    headers: { authorization: `Basic ${Buffer.from(`x:${API_TOKEN}`).toString('base64')}` },
    status: 401,
    body: { error: 'missing or wrong bearer token' },
  },
  {
    name: 'sync: the token with a trailing byte',
    method: 'POST',
    url: '/sync',
    headers: { authorization: `Bearer ${API_TOKEN}x` },
    status: 401,
    body: { error: 'missing or wrong bearer token' },
  },
  {
    name: 'sync: a token prefix',
    method: 'POST',
    url: '/sync',
    headers: { authorization: `Bearer ${API_TOKEN.slice(0, 5)}` },
    status: 401,
    body: { error: 'missing or wrong bearer token' },
  },
  {
    name: 'sync: bad JSON is not even parsed without auth',
    method: 'POST',
    url: '/sync',
    headers: json,
    payload: '{',
    status: 401,
    body: { error: 'missing or wrong bearer token' },
  },

  // ---- POST /webhook ---------------------------------------------------------------------------------
  {
    name: 'webhook: a 2 MiB body',
    method: 'POST',
    url: '/webhook',
    headers: hook,
    payload: 'x'.repeat(2 * MiB),
    status: 413,
    body: { error: 'body over 1 MiB' },
  },
  {
    name: 'webhook: malformed JSON with a valid bearer',
    method: 'POST',
    url: '/webhook',
    headers: hook,
    payload: '{"ref": ',
    status: 400,
    body: { error: 'body is not valid JSON' },
  },
  {
    name: 'webhook: malformed JSON with a valid GitHub signature',
    method: 'POST',
    url: '/webhook',
    headers: github('{"ref": '),
    payload: '{"ref": ',
    status: 400,
    body: { error: 'body is not valid JSON' },
  },
  { name: 'webhook: a JSON array', method: 'POST', url: '/webhook', headers: hook, payload: '[1]', status: 400, body: { error: 'body must be a JSON object' } },
  {
    name: 'webhook: text/plain',
    method: 'POST',
    url: '/webhook',
    headers: { ...hook, 'content-type': 'text/plain' },
    payload: 'hi',
    status: 415,
    body: { error: 'expected a JSON body (Content-Type: application/json)' },
  },
  {
    name: 'webhook: form-encoded',
    method: 'POST',
    url: '/webhook',
    headers: { ...hook, 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'payload=%7B%7D',
    status: 415,
    body: { error: 'expected a JSON body (Content-Type: application/json)' },
  },
  {
    name: 'webhook: no signature at all',
    method: 'POST',
    url: '/webhook',
    headers: json,
    payload: '{}',
    status: 401,
    body: { error: 'missing signature: send X-Hub-Signature-256, X-Gitea-Signature, X-Gitlab-Token or Authorization: Bearer' },
  },
  {
    name: 'webhook: a GitHub signature over other bytes',
    method: 'POST',
    url: '/webhook',
    headers: github('{"ref":"refs/heads/main"}'),
    payload: '{"ref":"refs/heads/main" }',
    status: 401,
    body: { error: 'signature does not match' },
  },
  {
    name: 'webhook: a truncated GitHub signature',
    method: 'POST',
    url: '/webhook',
    headers: { ...json, 'x-hub-signature-256': 'sha256=00' },
    payload: '{}',
    status: 401,
    body: { error: 'signature does not match' },
  },
  {
    name: 'webhook: a wrong GitLab token',
    method: 'POST',
    url: '/webhook',
    headers: { ...json, 'x-gitlab-token': 'nope' },
    payload: '{}',
    status: 401,
    body: { error: 'signature does not match' },
  },
  {
    name: 'webhook: a Gitea signature that is not hex',
    method: 'POST',
    url: '/webhook',
    headers: { ...json, 'x-gitea-signature': 'zz' },
    payload: '{}',
    status: 401,
    body: { error: 'signature does not match' },
  },
  {
    name: 'webhook: a push to another branch',
    method: 'POST',
    url: '/webhook',
    headers: hook,
    payload: '{"ref": "refs/heads/dev"}',
    status: 202,
    body: { accepted: false, reason: 'push to refs/heads/dev, following refs/heads/main' },
  },

  // ---- unknown routes and methods -------------------------------------------------------------------
  { name: 'route: GET /sync', method: 'GET', url: '/sync', status: 404, body: notFound('GET', '/sync') },
  { name: 'route: DELETE /status', method: 'DELETE', url: '/status', status: 404, body: notFound('DELETE', '/status') },
  { name: 'route: POST /status', method: 'POST', url: '/status', headers: json, payload: '{}', status: 404, body: notFound('POST', '/status') },
  { name: 'route: PUT /webhook', method: 'PUT', url: '/webhook', status: 404, body: notFound('PUT', '/webhook') },
  { name: 'route: PATCH /', method: 'PATCH', url: '/', status: 404, body: notFound('PATCH', '/') },
  { name: 'route: OPTIONS /status', method: 'OPTIONS', url: '/status', status: 404, body: notFound('OPTIONS', '/status') },
  { name: 'route: TRACE /status', method: 'TRACE', url: '/status', status: 404, body: notFound('TRACE', '/status') },
  {
    name: 'route: POST /healthz with a broken body',
    method: 'POST',
    url: '/healthz',
    headers: json,
    payload: '{',
    status: 404,
    body: notFound('POST', '/healthz'),
  },
  { name: 'route: POST /metrics', method: 'POST', url: '/metrics', status: 404, body: notFound('POST', '/metrics') },
  { name: 'route: /admin', method: 'GET', url: '/admin', status: 404, body: notFound('GET', '/admin') },
  { name: 'route: /.git/config', method: 'GET', url: '/.git/config', status: 404, body: notFound('GET', '/.git/config') },
  { name: 'route: ../ traversal', method: 'GET', url: '/../../etc/passwd', status: 404, body: notFound('GET', '/etc/passwd') },
  { name: 'route: %2e%2e traversal', method: 'GET', url: '/%2e%2e/%2e%2e/state.json', status: 404, body: notFound('GET', '/state.json') },
  { name: 'route: a NUL in the path', method: 'GET', url: '/status%00', status: 404, body: notFound('GET', '/status%00') },
  {
    name: 'route: a broken percent escape',
    method: 'GET',
    url: '/status%zz',
    status: 400,
    body: { error: 'Bad Request', code: 'FST_ERR_BAD_URL', message: "'/status%zz' is not a valid url component", statusCode: 400 },
  },
  {
    name: 'route: a 100 000-character path',
    method: 'GET',
    url: `/${'a'.repeat(100_000)}`,
    status: 404,
    body: /^\{"message":"Route GET:\/a{100000} not found","error":"Not Found","statusCode":404\}$/,
  },
  {
    name: 'route: GET /status with a broken JSON body still answers',
    method: 'GET',
    url: '/status',
    headers: json,
    payload: '{',
    status: 200,
    body: /^\{"phase":"Synced"/,
  },
  { name: 'route: HEAD /status has no body', method: 'HEAD', url: '/status', status: 200, body: /^$/ },
];
