// Property-based tests of the parser (fast-check), 11,000 cases in all:
// - any valid model survives serialize → parse, as elements and as XML text;
// - random XML trees, built from Jingle's own vocabulary and from noise, never
//   make the parser throw: it returns a model or a typed JingleError;
// - valid stanzas with random damage (attributes changed or dropped, children
//   removed, duplicated or foreign) give the same guarantee, and whatever
//   parses re-serializes to itself.
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import type { Element } from '@xmpp/xml';
import {
  ATTRIBUTES,
  VALUES,
  buildTree,
  jinglePayload,
  xmlTree,
  type Tree,
} from './fixtures/arbitraries';
import { parseXml } from './fixtures/fixtures';
import { JingleError } from './JingleError';
import { NS } from './namespaces';
import { parseJingle } from './parseJingle';
import { serializeJingle } from './serializeJingle';

/** Deep equality, fast; jest's toEqual only to explain a failure. */
function same(actual: unknown, expected: unknown): void {
  if (!isDeepStrictEqual(actual, expected)) expect(actual).toEqual(expected);
}

/** The parser's promise for any input: a model, or a JingleError it produced on purpose. */
function checkOutcome(el: Element): void {
  const result = parseJingle(el);
  if (result.ok) {
    // Serializing normalizes once (e.g. candidates get ids); after that it is stable.
    const once = parseJingle(serializeJingle(result.value));
    if (!once.ok) throw once.error;
    same(parseJingle(serializeJingle(once.value)), once);
    return;
  }
  expect(result.error).toBeInstanceOf(JingleError);
  expect(['bad-request', 'feature-not-implemented']).toContain(result.error.condition);
  expect(result.error.message).not.toMatch(/unexpected:/);
}

test('valid models survive serialize → parse, as elements and as XML text (1,000 cases)', () => {
  fc.assert(
    fc.property(jinglePayload, (p) => {
      same(parseJingle(serializeJingle(p)), { ok: true, value: p });
      same(parseJingle(parseXml(serializeJingle(p).toString())), { ok: true, value: p });
    }),
    { numRuns: 1000 },
  );
});

test('random XML trees never make the parser throw (5,000 cases)', () => {
  const jingleRoot = xmlTree.map((t) => ({ ...t, name: 'jingle', xmlns: NS.JINGLE }));
  fc.assert(
    fc.property(fc.oneof(xmlTree, jingleRoot), (t) => {
      checkOutcome(buildTree(t));
    }),
    { numRuns: 5000 },
  );
});

type Damage =
  | { kind: 'set'; path: number[]; attr: string; value: string }
  | { kind: 'drop-attr'; path: number[]; attr: string }
  | { kind: 'drop-child'; path: number[] }
  | { kind: 'duplicate'; path: number[] }
  | { kind: 'foreign'; path: number[]; child: Tree };

const path = fc.array(fc.nat({ max: 8 }), { maxLength: 5 });
const damage: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({
    kind: fc.constant('set' as const),
    path,
    attr: fc.constantFrom(...ATTRIBUTES),
    value: fc.constantFrom(...VALUES),
  }),
  fc.record({
    kind: fc.constant('drop-attr' as const),
    path,
    attr: fc.constantFrom(...ATTRIBUTES),
  }),
  fc.record({ kind: fc.constant('drop-child' as const), path }),
  fc.record({ kind: fc.constant('duplicate' as const), path }),
  fc.record({ kind: fc.constant('foreign' as const), path, child: xmlTree }),
);

/** The element at a path of child indexes (each index wraps around). */
function at(root: Element, steps: number[]): Element {
  let el = root;
  for (const step of steps) {
    const kids = el.children.filter((c): c is Element => typeof c !== 'string');
    const next = kids[step % Math.max(kids.length, 1)];
    if (!next) break;
    el = next;
  }
  return el;
}

function harm(root: Element, d: Damage): void {
  const el = at(root, d.path);
  switch (d.kind) {
    case 'set':
      el.attrs[d.attr] = d.value;
      break;
    case 'drop-attr':
      Reflect.deleteProperty(el.attrs, d.attr);
      break;
    case 'drop-child':
      if (el.parent) el.parent.children = el.parent.children.filter((c) => c !== el);
      break;
    case 'duplicate':
      if (el.parent) el.parent.cnode(parseXml(el.toString()));
      break;
    case 'foreign':
      el.cnode(buildTree(d.child));
      break;
  }
}

test('valid stanzas with random damage get a model or a typed error (5,000 cases)', () => {
  fc.assert(
    fc.property(jinglePayload, fc.array(damage, { minLength: 1, maxLength: 4 }), (p, damages) => {
      const el = serializeJingle(p);
      for (const d of damages) harm(el, d);
      checkOutcome(el);
    }),
    { numRuns: 5000 },
  );
});
