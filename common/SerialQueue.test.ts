import { SerialQueue } from './SerialQueue';

test('tasks run one at a time in push order, and one failure does not stop the rest', async () => {
  const queue = new SerialQueue();
  const log: string[] = [];
  const slow = queue.push(async () => {
    log.push('a-start');
    await new Promise((r) => setTimeout(r, 20));
    log.push('a-end');
    return 1;
  });
  const failing = queue.push(() => {
    log.push('b');
    throw new Error('boom');
  });
  const fast = queue.push(() => {
    log.push('c');
    return 3;
  });
  await expect(slow).resolves.toBe(1);
  await expect(failing).rejects.toThrow('boom');
  await expect(fast).resolves.toBe(3);
  expect(log).toEqual(['a-start', 'a-end', 'b', 'c']);
  expect(queue.size).toBe(0);
});

test('a closed queue refuses new tasks', async () => {
  const queue = new SerialQueue();
  queue.close();
  await expect(queue.push(() => 1)).rejects.toThrow('queue closed');
});
