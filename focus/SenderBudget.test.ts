import { SenderBudget } from './SenderBudget';

test('a burst passes, then wait, then violation until the sender stops long enough', () => {
  let now = 0;
  const budget = new SenderBudget({ rate: 2, burst: 3 }, () => now);
  const verdicts = Array.from({ length: 8 }, () => budget.take('mallory@guest'));
  expect(verdicts).toEqual(['ok', 'ok', 'ok', 'wait', 'wait', 'wait', 'violation', 'violation']);
  // Others are not affected.
  expect(budget.take('alice@example.org')).toBe('ok');
  // Half a second refills one request, but the sender is still flooding.
  now += 500;
  expect(budget.take('mallory@guest')).toBe('ok');
  expect(budget.take('mallory@guest')).toBe('violation');
  // Quiet long enough to fill the whole budget: forgiven.
  now += 2000;
  expect([1, 2, 3, 4].map(() => budget.take('mallory@guest'))).toEqual(['ok', 'ok', 'ok', 'wait']);
});

test('memory stays bounded: the least recently seen senders are forgotten', () => {
  const budget = new SenderBudget({ rate: 1, burst: 1 }, () => 0, 3);
  for (const s of ['a', 'b', 'c']) budget.take(s);
  expect(budget.take('a')).toBe('wait'); // a is now the most recent
  budget.take('d'); // forgets b
  expect(budget.senders).toBe(3);
  expect(budget.take('b')).toBe('ok'); // a fresh budget
  expect(budget.take('a')).toBe('violation'); // a is remembered, and still refused
});
