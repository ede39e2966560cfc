/**
 * Named, structured loggers. Each module makes one with `createLogger(name)`
 * and derives children carrying context (room, participant, session).
 * Output is one line per record on stderr; the level comes from
 * CONFAB_LOG_LEVEL (debug, info, warn, error, silent), default info.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFields = Record<string, unknown>;

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export interface LogSink {
  (line: string, level: Exclude<LogLevel, 'silent'>): void;
}

let threshold: number = ORDER[parseLevel(globalThis.process?.env?.CONFAB_LOG_LEVEL) ?? 'info'];
let sink: LogSink = (line) => globalThis.process?.stderr?.write(line + '\n');

function parseLevel(value: string | undefined): LogLevel | undefined {
  return value && value in ORDER ? (value as LogLevel) : undefined;
}

/** Changes where and how much is logged, for the whole process. */
export function configureLogging(options: { level?: LogLevel; sink?: LogSink }): void {
  if (options.level) threshold = ORDER[options.level];
  if (options.sink) sink = options.sink;
}

function formatValue(value: unknown): string {
  if (value instanceof Error) return JSON.stringify(value.message);
  if (typeof value === 'string') return /^[\w.:@/+-]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

export class Logger {
  constructor(
    readonly name: string,
    private readonly context: LogFields = {},
  ) {}

  child(context: LogFields): Logger {
    return new Logger(this.name, { ...this.context, ...context });
  }

  debug(message: string, fields?: LogFields): void {
    this.log('debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.log('info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.log('warn', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.log('error', message, fields);
  }

  isEnabled(level: LogLevel): boolean {
    return ORDER[level] >= threshold;
  }

  private log(level: Exclude<LogLevel, 'silent'>, message: string, fields?: LogFields): void {
    if (ORDER[level] < threshold) return;
    const all = { ...this.context, ...fields };
    const pairs = Object.entries(all)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${formatValue(v)}`)
      .join(' ');
    const time = new Date().toISOString();
    sink(
      `${time} ${level.toUpperCase().padEnd(5)} ${this.name}: ${message}${pairs ? ' ' + pairs : ''}`,
      level,
    );
  }
}

export function createLogger(name: string, context?: LogFields): Logger {
  return new Logger(name, context);
}
