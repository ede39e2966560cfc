/**
 * Reading configuration values with defaults, bounds and errors that name the
 * key. Each area (focus, turn, server…) has its own typed config module built
 * on these readers; values come from a flat settings map whose keys look like
 * `turn.port`. The same key can be given as the environment variable
 * CONFAB_TURN_PORT (upper case, dots and dashes become underscores).
 */
import { readFileSync } from 'node:fs';

export type RawSettings = Record<string, unknown>;

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly key: string,
    problem: string,
  ) {
    super(`invalid configuration ${key} (${envName(key)}): ${problem}`);
  }
}

export function envName(key: string): string {
  return 'CONFAB_' + key.replace(/[.-]/g, '_').toUpperCase();
}

/**
 * Merges a JSON config file (nested objects or dotted keys) with CONFAB_*
 * environment variables; the environment wins. `knownKeys` are used to map
 * environment variables back to dotted keys and to reject unknown keys.
 */
export function loadSettings(options: {
  knownKeys: readonly string[];
  env?: NodeJS.ProcessEnv;
  file?: string;
}): RawSettings {
  const settings: RawSettings = {};
  const known = new Set(options.knownKeys);
  if (options.file) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(options.file, 'utf8'));
    } catch (error) {
      throw new ConfigError(
        'config-file',
        `cannot read ${options.file}: ${(error as Error).message}`,
      );
    }
    flatten(parsed, '', settings);
    for (const key of Object.keys(settings)) {
      if (!known.has(key)) throw new ConfigError(key, `unknown key in ${options.file}`);
    }
  }
  const env = options.env ?? {};
  for (const key of known) {
    const value = env[envName(key)];
    if (value !== undefined && value !== '') settings[key] = value;
  }
  return settings;
}

function flatten(value: unknown, prefix: string, out: RawSettings): void {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out[prefix] = value;
  }
}

/** Typed readers over raw settings; every reader names the key in its error. */
export class ConfigReader {
  constructor(private readonly settings: RawSettings) {}

  has(key: string): boolean {
    return this.settings[key] !== undefined;
  }

  string(key: string, fallback?: string, pattern?: RegExp): string {
    const raw = this.settings[key];
    if (raw === undefined) {
      if (fallback === undefined) throw new ConfigError(key, 'is required');
      return fallback;
    }
    if (typeof raw !== 'string' || raw === '')
      throw new ConfigError(key, 'must be a non-empty string');
    if (pattern && !pattern.test(raw))
      throw new ConfigError(key, `"${raw}" does not match ${pattern}`);
    return raw;
  }

  optionalString(key: string): string | undefined {
    return this.has(key) ? this.string(key) : undefined;
  }

  int(key: string, fallback: number, min: number, max: number): number {
    const raw = this.settings[key];
    if (raw === undefined) return fallback;
    const value = typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw new ConfigError(key, `"${String(raw)}" is not an integer`);
    }
    if (value < min || value > max)
      throw new ConfigError(key, `${value} is outside ${min}..${max}`);
    return value;
  }

  port(key: string, fallback: number, allowZero = false): number {
    return this.int(key, fallback, allowZero ? 0 : 1, 65535);
  }

  bool(key: string, fallback: boolean): boolean {
    const raw = this.settings[key];
    if (raw === undefined) return fallback;
    if (typeof raw === 'boolean') return raw;
    if (raw === 'true' || raw === '1' || raw === 'yes') return true;
    if (raw === 'false' || raw === '0' || raw === 'no') return false;
    throw new ConfigError(key, `"${String(raw)}" is not true or false`);
  }

  oneOf<T extends string>(key: string, fallback: T, choices: readonly T[]): T {
    const raw = this.settings[key];
    if (raw === undefined) return fallback;
    if (typeof raw !== 'string' || !(choices as readonly string[]).includes(raw)) {
      throw new ConfigError(key, `"${String(raw)}" is not one of ${choices.join(', ')}`);
    }
    return raw as T;
  }

  /** A list, from a JSON array or a comma-separated string. */
  list(key: string, fallback: string[]): string[] {
    const raw = this.settings[key];
    if (raw === undefined) return fallback;
    const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : null;
    if (!items || items.some((i) => typeof i !== 'string')) {
      throw new ConfigError(key, 'must be a list of strings');
    }
    return (items as string[]).map((i) => i.trim()).filter((i) => i !== '');
  }
}
