/**
 * Checked reading of ltx elements. Each reader validates one attribute or list
 * and, on bad input, aborts the parse with a `ParseFailure` that
 * `parseJingle` turns into a `JingleError` result. The failure never leaves
 * this folder: the public parser catches exactly this class.
 */
import type { Element } from '@xmpp/xml';
import { JingleError, badRequest, notImplemented, type JingleErrorOptions } from './JingleError';
import { LIMITS, MAX_UINT32 } from './limits';

export class ParseFailure {
  constructor(readonly error: JingleError) {}
}

export function fail(field: string, message: string, options?: JingleErrorOptions): never {
  throw new ParseFailure(badRequest(field, message, options));
}

export function unsupported(field: string, message: string, options?: JingleErrorOptions): never {
  throw new ParseFailure(notImplemented(field, message, options));
}

// C0 controls and DEL: never allowed, they could break SDP lines.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
// A token: printable, no whitespace (SDP tokens, names, ids).
const TOKEN = /^[\u0021-\u007e\u0080-\uffff]+$/;
const DIGITS = /^[0-9]{1,10}$/;

/** The raw attribute value, own properties only (never from the prototype). */
function raw(el: Element, name: string): string | undefined {
  const attrs: unknown = el.attrs;
  if (
    typeof attrs !== 'object' ||
    attrs === null ||
    !Object.prototype.hasOwnProperty.call(attrs, name)
  ) {
    return undefined;
  }
  const value: unknown = (attrs as Record<string, unknown>)[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

export function hasAttribute(el: Element, name: string): boolean {
  return raw(el, name) !== undefined;
}

export interface StringRule {
  max?: number;
  /** Whitespace is allowed (default: a single token). */
  spaces?: boolean;
  /** The empty string is allowed. */
  empty?: boolean;
}

export function checkString(value: string, field: string, rule: StringRule = {}): string {
  const max = rule.max ?? LIMITS.shortString;
  if (value.length > max) fail(field, `longer than ${max} characters`);
  if (value.length === 0) {
    if (rule.empty) return value;
    fail(field, 'empty');
  }
  if (CONTROL.test(value)) fail(field, 'contains control characters');
  if (!rule.spaces && !TOKEN.test(value)) fail(field, 'contains whitespace');
  return value;
}

export function optionalString(
  el: Element,
  name: string,
  path: string,
  rule?: StringRule,
): string | undefined {
  const value = raw(el, name);
  return value === undefined ? undefined : checkString(value, `${path}.@${name}`, rule);
}

export function requiredString(el: Element, name: string, path: string, rule?: StringRule): string {
  const value = optionalString(el, name, path, rule);
  if (value === undefined) fail(`${path}.@${name}`, 'missing');
  return value;
}

export function checkInteger(value: string, field: string, min: number, max: number): number {
  if (!DIGITS.test(value)) fail(field, 'not a decimal integer');
  const n = Number(value);
  if (n < min || n > max) fail(field, `out of range ${min}..${max}`);
  return n;
}

export function optionalInteger(
  el: Element,
  name: string,
  path: string,
  min: number,
  max: number,
): number | undefined {
  const value = raw(el, name);
  return value === undefined ? undefined : checkInteger(value, `${path}.@${name}`, min, max);
}

export function requiredInteger(
  el: Element,
  name: string,
  path: string,
  min: number,
  max: number,
): number {
  const value = optionalInteger(el, name, path, min, max);
  if (value === undefined) fail(`${path}.@${name}`, 'missing');
  return value;
}

export function optionalEnum<T extends string>(
  el: Element,
  name: string,
  path: string,
  values: readonly T[],
): T | undefined {
  const value = raw(el, name);
  if (value === undefined) return undefined;
  const found = values.find((v) => v === value);
  if (found === undefined) fail(`${path}.@${name}`, `not one of ${values.join(', ')}`);
  return found;
}

export function requiredEnum<T extends string>(
  el: Element,
  name: string,
  path: string,
  values: readonly T[],
): T {
  const value = optionalEnum(el, name, path, values);
  if (value === undefined) fail(`${path}.@${name}`, 'missing');
  return value;
}

export function ssrcOf(el: Element, path: string): number {
  return requiredInteger(el, 'ssrc', path, 1, MAX_UINT32);
}

/** Child elements with this name and namespace, refused beyond `limit`. */
export function children(
  el: Element,
  name: string,
  ns: string,
  path: string,
  limit: number,
): Element[] {
  const found = elementChildren(el).filter((c) => c.getName() === name && c.getNS() === ns);
  if (found.length > limit) fail(`${path}.${name}`, `more than ${limit} elements`);
  return found;
}

/** The single child with this name and namespace; more than one is an error. */
export function child(el: Element, name: string, ns: string, path: string): Element | undefined {
  return children(el, name, ns, path, 1)[0];
}

export function elementChildren(el: Element): Element[] {
  const list: unknown = el.children;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (c): c is Element =>
      typeof c === 'object' && c !== null && typeof (c as Element).getName === 'function',
  );
}

export function textOf(el: Element, field: string, max: number): string {
  const list: unknown = el.children;
  const text = Array.isArray(list)
    ? list.filter((c): c is string => typeof c === 'string').join('')
    : '';
  if (text.length > max) fail(field, `longer than ${max} characters`);
  return text;
}

/** Names must be unique within a list (content names, payload ids, SSRCs…). */
export function assertUnique<T>(values: readonly T[], field: string, what: string): void {
  const seen = new Set<T>();
  for (const v of values) {
    if (seen.has(v)) fail(field, `duplicate ${what} ${String(v)}`);
    seen.add(v);
  }
}
