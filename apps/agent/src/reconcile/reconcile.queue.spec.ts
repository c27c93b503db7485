import { delay, eventually } from '@plato/testing';
import { ReconcileQueue } from './reconcile.queue.js';

describe('ReconcileQueue', () => {
  it('runs one key at a time, keys in parallel up to the concurrency; repeats coalesce into one more run', async () => {
    const active = new Map<string, number>();
    let parallel = 0;
    let maxParallel = 0;
    let maxPerKey = 0;
    const runs: string[] = [];
    const queue = new ReconcileQueue(
      async (key) => {
        active.set(key, (active.get(key) ?? 0) + 1);
        parallel += 1;
        maxParallel = Math.max(maxParallel, parallel);
        maxPerKey = Math.max(maxPerKey, active.get(key)!);
        runs.push(key);
        await delay(5);
        parallel -= 1;
        active.set(key, active.get(key)! - 1);
      },
      { concurrency: 3 },
    );
    for (let round = 0; round < 5; round++) for (const key of ['a', 'b', 'c', 'd', 'e']) queue.enqueue(key);
    await queue.idle();
    expect(maxPerKey).toBe(1);
    expect(maxParallel).toBe(3);
    expect(runs.sort()).toEqual(['a', 'a', 'b', 'b', 'c', 'c', 'd', 'e']);
  });

  it('works a key once more when it is enqueued while its work runs', async () => {
    let runs = 0;
    let release!: () => void;
    const queue = new ReconcileQueue(async () => {
      runs += 1;
      if (runs === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    queue.enqueue('a');
    await delay(1);
    queue.enqueue('a');
    queue.enqueue('a');
    release();
    await queue.idle();
    expect(runs).toBe(2);
  });

  it('reports a failing key and keeps working the others', async () => {
    const failed: string[] = [];
    const done: string[] = [];
    const queue = new ReconcileQueue(
      async (key) => {
        if (key === 'bad') throw new Error('boom');
        done.push(key);
      },
      { onError: (key) => failed.push(key) },
    );
    queue.enqueue('bad');
    queue.enqueue('good');
    await queue.idle();
    expect(failed).toEqual(['bad']);
    expect(done).toEqual(['good']);
  });

  it('works a key once its delay passed; an earlier request stands, and close cancels what is not due', async () => {
    const runs: string[] = [];
    const queue = new ReconcileQueue(async (key) => {
      runs.push(key);
    });
    queue.enqueueAfter('a', 20);
    queue.enqueueAfter('a', 5_000);
    queue.enqueueAfter('b', 60_000);
    expect(runs).toEqual([]);
    await eventually(() => runs.length === 1, { timeoutMs: 2_000 });
    await queue.close();
    expect(runs).toEqual(['a']);
  });
});
