import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { describe, expect, it } from 'vitest';
import { describeFit, fitCurve } from '../../bench/curves/fit.js';
import { renderChart } from '../../bench/curves/svg.js';
import { fixture } from '../e2e/helpers/servers.js';

const at = (f: (x: number) => number): { x: number; y: number }[] => [100, 500, 1000, 2000, 5000].map((x) => ({ x, y: f(x) }));

describe('bench curves', () => {
  it('fits a line with its cost per unit and calls it linear', () => {
    const pts = at((x) => 3 + 0.21 * x);
    const f = fitCurve(pts);
    expect(f.shape).toBe('linear');
    expect(f.flagged).toBe(false);
    expect(f.slope).toBeCloseTo(0.21, 6);
    expect(describeFit(f, pts, 'ms', 'spec')).toMatch(/^linear, 0\.21 ms per spec over 3\.00 ms/);
  });

  it('tells flat, sub-linear and super-linear apart, and flags only the last', () => {
    expect(fitCurve(at(() => 4)).shape).toBe('flat');
    expect(fitCurve(at((x) => Math.sqrt(x))).shape).toBe('sub-linear');
    const quad = fitCurve(at((x) => x * x * 1e-4));
    expect(quad.shape).toBe('super-linear');
    expect(quad.flagged).toBe(true);
    expect(quad.exponent).toBeCloseTo(2, 6);
    expect(
      describeFit(
        quad,
        at((x) => x * x * 1e-4),
        'ms',
        'spec',
      ),
    ).toContain('WORSE THAN LINEAR');
  });

  it('a large fixed cost does not hide a per-unit cost: 100 MB + 0.17 MB per server is linear', () => {
    const pts = [10, 50, 100, 200].map((x) => ({ x, y: 100 + 0.17 * x }));
    const f = fitCurve(pts);
    expect(f.shape).toBe('linear');
    expect(f.slope).toBeCloseTo(0.17, 6);
    expect(fitCurve([10, 50, 100, 200].map((x) => ({ x, y: 100 + 0.01 * x }))).shape).toBe('flat');
    expect(fitCurve([10, 100, 1000].map((x) => ({ x, y: 8 - 0.002 * x }))).shape).toBe('flat');
  });

  it('stalls and dips of the measurement are not read as super-linear growth', () => {
    // seen: RSS 98, 99, 109, 109 MB (the first and last steps stall in GC headroom)
    const stalls = [10, 50, 100, 200].map((x, i) => ({ x, y: [98.1, 98.7, 109, 109][i] }));
    expect(fitCurve(stalls)).toMatchObject({ shape: 'linear', flagged: false, monotonic: true });
    // seen: poll CPU 4.33, 3.67, 4, 5.67, 4.33 ms (10 ms ticks): dips as large as the growth
    const wobble = [100, 500, 1000, 2000, 5000].map((x, i) => ({ x, y: [4.33, 3.67, 4, 5.67, 4.33][i] }));
    const w = fitCurve(wobble);
    expect(w).toMatchObject({ flagged: false, monotonic: false });
    expect(describeFit(w, wobble, 'ms', 'spec')).toMatch(/^at most linear, .*within the noise/);
    // a small dip in a clear rise keeps its shape (seen: 18, 47, 46, 78, 193 ms)
    expect(fitCurve([100, 500, 1000, 2000, 5000].map((x, i) => ({ x, y: [17.8, 47.2, 46.2, 78.2, 193][i] })))).toMatchObject({
      shape: 'sub-linear',
      monotonic: true,
    });
    // a rise at every size still gets its exponent
    expect(fitCurve(at((x) => x * x * 1e-4))).toMatchObject({ shape: 'super-linear', flagged: true, monotonic: true });
  });

  it('draws every measured point and escapes its texts', () => {
    const pts = at((x) => 0.5 * x);
    const svg = renderChart({ title: 'a < b', subtitle: 's', xLabel: 'x', yLabel: 'y', points: pts, fit: fitCurve(pts) });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<circle /g)).toHaveLength(5);
    expect(svg).toContain('a &lt; b');
    expect(svg).not.toContain('NaN');
  });

  it('the minimal server the curves run by the hundred is a real MCP server', async () => {
    const client = new Client({ name: 't', version: '1' });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [fixture('minimal-stdio.mjs')] }));
    try {
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['echo']);
      expect(await client.callTool({ name: 'echo', arguments: { message: 'hi' } })).toMatchObject({ content: [{ type: 'text', text: 'Echo: hi' }] });
      await client.ping();
    } finally {
      await client.close();
    }
  });
});
