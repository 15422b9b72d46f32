// A runtime logger that keeps every line (level, message, fields) for assertions.
import type { Logger } from '../../../../src/runtimes/logger.js';

export function recordingLogger(lines: Record<string, unknown>[]): Logger {
  const at =
    (level: string) =>
    (obj: object, msg?: string): void => {
      lines.push({ level, msg, ...obj });
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
