/**
 * A named logger that also honours turn.log-level, on top of the process-wide
 * level of common/logger.ts.
 */
import type { LogFields, Logger, LogLevel } from '../common/logger';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export interface TurnLog {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(context: LogFields): TurnLog;
  enabled(level: LogLevel): boolean;
}

export function leveledLog(logger: Logger, level: LogLevel): TurnLog {
  const min = ORDER[level];
  const at =
    (l: Exclude<LogLevel, 'silent'>) =>
    (message: string, fields?: LogFields): void => {
      if (ORDER[l] >= min) logger[l](message, fields);
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (context) => leveledLog(logger.child(context), level),
    enabled: (l) => ORDER[l] >= min && logger.isEnabled(l),
  };
}
