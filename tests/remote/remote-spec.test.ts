// spec.url / spec.headers: what validates, what renders, what is masked, what the plan shows.
import { describe, expect, it } from 'vitest';
import { plan } from '../../src/plan/plan.js';
import { formatPlan, planView } from '../../src/plan/view.js';
import { createCompiler } from '../../src/render/desired-state.js';
import { staticSecrets } from '../../src/render/secrets.js';
import { formatSpecError } from '../../src/spec/spec-error.js';
import { files } from '../helpers/spec-files.js';

const compiler = createCompiler();
const TOKEN = 'tok-1234567890abcdef';

function compile(spec: string, runtime?: 'process' | 'docker' | 'kubernetes') {
  const doc = `apiVersion: mcp-gitops/v1\nkind: MCPServer\nmetadata:\n  name: vendor\nspec:\n  version: "1"\n${spec}`;
  return compiler.compile(
    { files: files({ 'servers/vendor.yaml': doc }), basePath: '.' },
    { secrets: staticSecrets({ vendor_token: TOKEN }), ...(runtime && { runtime }) },
  );
}

describe('remote server specs', () => {
  it('a url with templated headers renders: streamable-http by default, nothing to start, the token masked on the display twin', () => {
    const out = compile(
      '  url: https://mcp.example.com/mcp\n  headers:\n    Authorization: "Bearer {{ secrets.vendor_token }}"\n    X-Team: platform\n',
      'process',
    );
    expect(out.errors).toEqual([]);
    const s = out.servers[0];
    expect(s.spec).toMatchObject({
      url: 'https://mcp.example.com/mcp',
      transport: 'streamable-http',
      headers: { Authorization: `Bearer ${TOKEN}`, 'X-Team': 'platform' },
    });
    expect(s.spec.path).toBeUndefined();
    expect(s.masked.headers).toEqual({ Authorization: 'Bearer ***', 'X-Team': 'platform' });
    expect(s.secretValues).toContain(TOKEN);
    expect(JSON.stringify(s.masked)).not.toContain(TOKEN);
  });

  it('a credential header written as plain text is masked too (its name says it is one)', () => {
    const out = compile('  url: https://mcp.example.com/sse\n  transport: sse\n  headers:\n    X-Api-Key: plain-key-123456\n');
    expect(out.errors).toEqual([]);
    expect(out.servers[0].masked.headers).toEqual({ 'X-Api-Key': '***' });
    expect(out.servers[0].secretValues).toContain('plain-key-123456');
  });

  it('url and command (or image) are mutually exclusive: the error names both lines', () => {
    const out = compile('  command: node\n  image: node:20\n  url: https://mcp.example.com/mcp\n', 'docker');
    const lines = out.errors.map(formatSpecError);
    expect(lines).toEqual([
      'servers/vendor.yaml:7:12: spec.command: command and url (line 9) are mutually exclusive: url is a remote server the daemon never starts; remove one of them',
      'servers/vendor.yaml:8:10: spec.image: image and url (line 9) are mutually exclusive: url is a remote server the daemon never starts; remove one of them',
    ]);
  });

  it('fields of started servers, stdio, isolated sessions and headers without url are errors', () => {
    const out = compile('  url: https://x.example/mcp\n  transport: stdio\n  port: 80\n  env: { A: b }\n  gateway: { sessions: isolated }\n');
    expect(out.errors.map((e) => `${e.field}: ${e.message}`)).toEqual([
      'spec.transport: a remote server (url, line 7) speaks streamable-http (default) or sse, not stdio',
      'spec.port: applies only to servers the daemon starts; this one is remote (url, line 7)',
      'spec.env: applies only to servers the daemon starts; this one is remote (url, line 7)',
      'spec.gateway.sessions: isolated sessions start one instance per session; a remote server (url, line 7) is never started',
    ]);
    const noUrl = compile('  command: node\n  headers: { A: b }\n');
    expect(noUrl.errors.map((e) => e.field)).toEqual(['spec.headers']);
  });

  it('a url that does not render to http(s) is a validation error, without its value', () => {
    const out = compile('  url: "ftp://{{ secrets.vendor_token }}@host/x"\n');
    expect(out.errors.map((e) => `${e.field}: ${e.message}`)).toEqual(['spec.url: must be an absolute http:// or https:// URL']);
  });

  it('the plan shows the remote url, masked and without credentials', () => {
    const out = compile('  url: "https://user:{{ secrets.vendor_token }}@mcp.example.com/mcp?k={{ secrets.vendor_token }}"\n');
    expect(out.errors).toEqual([]);
    const view = planView(plan(out.servers, [], { sharedPorts: true }), { commit: 'a'.repeat(40), mode: 'rollout', source: 'state', against: 'nothing' });
    expect(view.waves[0][0].remote).toBe('https://mcp.example.com/mcp?k=***');
    const text = formatPlan(view);
    expect(text).toContain('remote https://mcp.example.com/mcp?k=*** (not started: gated and served)');
    expect(text).not.toContain(TOKEN);
  });
});
