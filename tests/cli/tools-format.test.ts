import { describe, expect, it } from 'vitest';
import { shortHash, toolsText } from '../../src/cli/tools-format.js';
import { surfaceOf } from '../../src/tools/surface.js';

const surface = surfaceOf([
  { name: 'echo', description: 'Echoes' },
  { name: 'add', description: 'Adds', inputSchema: { type: 'object' } },
]);

describe('mcp-gitops tools text', () => {
  it('shows a row per approved tool with 12-digit hashes, and no DRIFT column without drift', () => {
    const text = toolsText({ server: 'svc', version: '1', commit: 'abcdef1234', toolSurface: surface });
    expect(text).toContain(`Surface:  ${surface.hash}\n`);
    expect(text).toMatch(/^TOOL +DESCRIPTION +INPUT +OUTPUT +ANNOTATIONS$/m);
    expect(text).toMatch(new RegExp(`^add +${shortHash(surface.tools.add.description)} +${shortHash(surface.tools.add.inputSchema)} `, 'm'));
    expect(shortHash(surface.hash)).toMatch(/^[0-9a-f]{12}$/);
    expect(text).not.toContain('DRIFT');
  });

  it('with tool drift: a DRIFT column, and tools added without approval listed without hashes', () => {
    const text = toolsText({
      server: 'svc',
      version: '1',
      commit: null,
      toolSurface: surface,
      toolDrift: { since: '2026-12-02T00:00:00Z', added: ['steal'], changed: [{ name: 'echo', parts: ['description'] }] },
    });
    expect(text).toMatch(/^Drift: +since 2026-12-02T00:00:00Z$/m);
    expect(text).toMatch(/^echo .* changed: description$/m);
    expect(text).toMatch(/^steal +- +- +- +- +added \(not approved\)$/m);
    expect(text).toMatch(/^add .* -$/m);
  });

  it('says so when no surface is recorded', () => {
    expect(toolsText({ server: 'svc', version: '1', commit: null, toolSurface: null })).toContain('No tool surface recorded yet');
  });
});
