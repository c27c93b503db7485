import { KeyedSerialQueue } from './keyed-serial.queue.js';

describe('KeyedSerialQueue', () => {
  it('runs the tasks of one key one at a time in order, and other keys alongside', async () => {
    const queue = new KeyedSerialQueue();
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = queue.run('a', async () => {
      log.push('a1 start');
      await gate;
      log.push('a1 end');
      return 1;
    });
    const second = queue.run('a', async () => {
      log.push('a2');
      return 2;
    });
    await queue.run('b', async () => log.push('b1'));
    expect(log).toEqual(['a1 start', 'b1']);
    expect(queue.busy('a')).toBe(true);
    release();
    await expect(Promise.all([first, second])).resolves.toEqual([1, 2]);
    expect(log).toEqual(['a1 start', 'b1', 'a1 end', 'a2']);
    await queue.idle();
    expect(queue.busy('a')).toBe(false);
  });

  it('keeps going after a failed task', async () => {
    const queue = new KeyedSerialQueue();
    const failed = queue.run('a', () => Promise.reject(new Error('boom')));
    const next = queue.run('a', async () => 'ok');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
  });
});
