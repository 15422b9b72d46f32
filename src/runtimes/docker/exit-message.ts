// One secret-free line for how a container ended, in the process runtime's words:
// `exited with code 1: Error: listen EADDRINUSE ...`, `killed by signal SIGKILL (exit code 137)`,
// `killed: out of memory (exit code 137)`. The health gate prefixes it with "container ".
import { constants } from 'node:os';
import { maskText } from '../../render/mask.js';
import { summaryLine } from '../exit-message.js';

const MAX_DETAIL = 300;

export interface ContainerEnd {
  exitCode: number | null;
  oomKilled?: boolean;
  /** The engine's own error for the container (e.g. why it could not be started). */
  error?: string;
}

export function describeExit(end: ContainerEnd, outputTail: readonly string[], secretValues: readonly string[]): string {
  const how = headline(end);
  const detail = end.error ? end.error : summaryLine(outputTail);
  if (!detail) return how;
  const clean = maskText(detail, secretValues);
  return `${how}: ${clean.length > MAX_DETAIL ? `${clean.slice(0, MAX_DETAIL)}…` : clean}`;
}

function headline(end: ContainerEnd): string {
  const code = end.exitCode;
  if (end.oomKilled) return `killed: out of memory${code === null ? '' : ` (exit code ${code})`}`;
  if (code === null) return 'exited (exit code unknown)';
  const signal = code > 128 ? signalName(code - 128) : undefined;
  return signal ? `killed by signal ${signal} (exit code ${code})` : `exited with code ${code}`;
}

function signalName(n: number): string | undefined {
  return Object.entries(constants.signals).find(([, v]) => v === n)?.[0];
}
