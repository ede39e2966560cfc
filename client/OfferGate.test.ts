import { OfferGate } from './OfferGate';

test('while our content-add waits, offers are held and its answer lets them go', () => {
  const gate = new OfferGate<string>(1000, () => {});
  expect(gate.holds('content-add')).toBe(false);
  gate.open('content');
  expect(gate.holds('content-add')).toBe(true);
  expect(gate.holds('content-remove')).toBe(true);
  expect(gate.holds('content-accept')).toBe(false);
  expect(gate.holds('session-terminate')).toBe(false);
  gate.hold('focus content-add');
  expect(gate.answers('transport-info')).toBe(false);
  expect(gate.answers('content-accept')).toBe(true);
  expect(gate.settle()).toEqual(['focus content-add']);
  expect(gate.waiting).toBe(false);
});

test('an ICE restart is answered by transport-info', () => {
  const gate = new OfferGate<string>(1000, () => {});
  gate.open('restart');
  expect(gate.answers('content-accept')).toBe(false);
  expect(gate.answers('transport-info')).toBe(true);
  gate.settle();
});

test('no answer in time: the held payloads are released to the timeout handler', async () => {
  const released = new Promise<string[]>((resolve) => {
    const gate = new OfferGate<string>(20, resolve);
    gate.open('content');
    gate.hold('a');
    gate.hold('b');
  });
  expect(await released).toEqual(['a', 'b']);
});
