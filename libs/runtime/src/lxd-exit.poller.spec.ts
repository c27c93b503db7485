import { LxdExitPoller } from './lxd-exit.poller.js';

/** A fake of LXD's running-instance list: pure logic under test, no daemon. */
function fakeList(initial: string[]) {
  const running = new Set(initial);
  let calls = 0;
  let failNext = false;
  return {
    running,
    calls: () => calls,
    failOnce: () => (failNext = true),
    list: async (): Promise<ReadonlySet<string>> => {
      calls += 1;
      if (failNext) {
        failNext = false;
        throw new Error('lxd away');
      }
      return new Set(running);
    },
  };
}

const settled = async (promise: Promise<unknown>): Promise<boolean> => {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return done;
};

describe('LxdExitPoller', () => {
  it('wakes the waiters of an instance once it leaves the running list, with one list per poll for all', async () => {
    const lxd = fakeList(['a', 'b']);
    const poller = new LxdExitPoller(lxd.list, 1);
    const a1 = poller.notRunning('a');
    const a2 = poller.notRunning('a');
    const b = poller.notRunning('b');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await settled(a1)).toBe(false);
    const pollsSoFar = lxd.calls();
    expect(pollsSoFar).toBeGreaterThan(0);
    lxd.running.delete('a');
    await Promise.all([a1, a2]);
    expect(await settled(b)).toBe(false);
    lxd.running.delete('b');
    await b;
    const after = lxd.calls();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(lxd.calls()).toBe(after);
  });

  it('wakes everyone when a poll fails, and stops waiting on abort', async () => {
    const lxd = fakeList(['a', 'b']);
    const poller = new LxdExitPoller(lxd.list, 1);
    const abort = new AbortController();
    const aborted = poller.notRunning('b', abort.signal);
    abort.abort(new Error('no longer watched'));
    await expect(aborted).rejects.toThrow('no longer watched');
    const a = poller.notRunning('a');
    lxd.failOnce();
    await a;
    await expect(poller.notRunning('a', AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });
});
