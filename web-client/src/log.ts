/**
 * Logging in the page: the shared structured logger, kept in a ring buffer
 * instead of the console. `recentLogs()` returns it for bug reports and for
 * the end-to-end tests, which print it when something fails.
 */
import { configureLogging, createLogger, type Logger } from '../../common/logger';

const MAX_LINES = 500;
const lines: string[] = [];

export function installLogging(level: 'debug' | 'info' = 'info'): void {
  configureLogging({
    level,
    sink: (line) => {
      lines.push(line);
      if (lines.length > MAX_LINES) lines.splice(0, lines.length - MAX_LINES);
    },
  });
}

export function recentLogs(): string[] {
  return [...lines];
}

export { createLogger, type Logger };
