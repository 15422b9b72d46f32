import { describe, expect, it } from 'vitest';
import { formatExitMessage, summaryLine } from '../../../src/runtimes/exit-message.js';

describe('exit messages', () => {
  it('names the exit code and the last meaningful output line', () => {
    expect(formatExitMessage({ code: 1, signal: null }, ['starting', 'Error: listen EADDRINUSE :::3001', ''], [])).toBe(
      'exited with code 1: Error: listen EADDRINUSE :::3001',
    );
    expect(formatExitMessage({ code: null, signal: 'SIGSEGV' }, [], [])).toBe('killed by signal SIGSEGV');
  });

  it('skips stack frames and the node version footer of an uncaught error', () => {
    const stderr = [
      'file:///srv/index.js:3',
      "throw new Error('no database')",
      '^',
      '',
      'Error: no database',
      '    at file:///srv/index.js:3:7',
      '    at ModuleJob.run (node:internal)',
      '',
      'Node.js v20.20.2',
    ];
    expect(summaryLine(stderr)).toBe('Error: no database');
  });

  it('masks secret values, longest first, before cutting long lines', () => {
    expect(formatExitMessage({ code: 1, signal: null }, ['token abcd1234 and abcd'], ['abcd', 'abcd1234'])).toBe('exited with code 1: token *** and ***');
    const long = `${'x'.repeat(295)}SECRETVALUE`;
    expect(formatExitMessage({ code: 2, signal: null }, [long], ['SECRETVALUE'])).not.toContain('SECR');
  });
});
