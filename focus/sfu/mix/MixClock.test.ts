import { MixClock } from './MixClock';

let now = 0;
beforeEach(() => {
  jest.useFakeTimers();
  now = 0;
});
afterEach(() => jest.useRealTimers());

/** Moves the clock and the timers together, `ms` at a time. */
function advance(total: number, step = 1): void {
  for (let t = 0; t < total; t += step) {
    now += step;
    jest.advanceTimersByTime(step);
  }
}

let frames = 0;

/** A 20 ms clock on the fake time, after its first frame. */
function started(): MixClock {
  frames = 0;
  const clock = new MixClock(
    20,
    () => frames++,
    () => now,
  );
  clock.start();
  jest.advanceTimersByTime(0);
  return clock;
}

test('one frame per 20 ms, from the start', () => {
  const clock = started();
  expect(frames).toBe(1);
  advance(1000);
  expect(frames).toBe(51);
  clock.stop();
  advance(100);
  expect(frames).toBe(51);
  expect(clock.running).toBe(false);
});

test('late wake-ups catch up, but a long stall skips ahead instead of bursting', () => {
  const clock = started();
  // The event loop is blocked for 70 ms: the missed frames run at the next wake-up.
  now += 70;
  jest.advanceTimersByTime(70);
  expect(frames).toBe(4);
  // Blocked for a whole second: at most 5 frames at once, then the regular pace.
  now += 1000;
  jest.advanceTimersByTime(20);
  expect(frames).toBe(9);
  advance(100);
  expect(frames).toBe(14);
  clock.stop();
});
