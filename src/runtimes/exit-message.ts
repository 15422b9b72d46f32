// Turns how a process ended plus the tail of its output into one secret-free line,
// e.g. `exited with code 1: Error: listen EADDRINUSE: address already in use :::3001`.
import { maskText } from '../render/mask.js';

const MAX_DETAIL = 300;
const NOISE = [/^\s*$/, /^\s+at\s/, /^Node\.js v\d/, /^\s*\^+\s*$/];

/** The last line that says something: skips blank lines, stack frames and node's version footer. */
export function summaryLine(lines: readonly string[]): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i];
    if (!NOISE.some((re) => re.test(line))) return line.trim();
  }
  return undefined;
}

export function formatExitMessage(
  exit: { code: number | null; signal: NodeJS.Signals | null },
  outputTail: readonly string[],
  secretValues: readonly string[],
): string {
  const how = exit.code !== null ? `exited with code ${exit.code}` : `killed by signal ${exit.signal ?? 'unknown'}`;
  const line = summaryLine(outputTail);
  if (line === undefined) return how;
  const detail = maskText(line, secretValues);
  return `${how}: ${detail.length > MAX_DETAIL ? `${detail.slice(0, MAX_DETAIL)}…` : detail}`;
}
