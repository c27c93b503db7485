/**
 * Tells exit waiters when their LXD instance no longer runs, with one request per interval for
 * all of them (the names of the running instances, `GET /1.0/instances?filter=status eq Running`)
 * instead of one instance read per waiter: a thousand waits cost LXD ten requests a second, not
 * thousands. A failed request wakes every waiter, so each one looks at its instance itself (and
 * meets the error there). Polls only while someone waits.
 */
export class LxdExitPoller {
  private readonly waiters = new Map<string, Set<() => void>>();
  private looping = false;

  /** `listRunning`: the names of the instances running now. */
  constructor(
    private readonly listRunning: () => Promise<ReadonlySet<string>>,
    private readonly intervalMs = 100,
  ) {}

  /** Resolves once `name` is not among the running instances or a poll failed; rejects when `signal` aborts. */
  notRunning(name: string, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const wake = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        const waiting = this.waiters.get(name);
        waiting?.delete(wake);
        if (waiting?.size === 0) this.waiters.delete(name);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const waiting = this.waiters.get(name) ?? new Set<() => void>();
      this.waiters.set(name, waiting);
      waiting.add(wake);
      if (!this.looping) {
        this.looping = true;
        void this.loop();
      }
    });
  }

  private async loop(): Promise<void> {
    try {
      while (this.waiters.size > 0) {
        await new Promise((resolve) => setTimeout(resolve, this.intervalMs));
        let running: ReadonlySet<string> | undefined;
        try {
          running = await this.listRunning();
        } catch {
          running = undefined;
        }
        for (const [name, waiting] of [...this.waiters]) {
          if (running?.has(name)) continue;
          this.waiters.delete(name);
          for (const wake of waiting) wake();
        }
      }
    } finally {
      this.looping = false;
    }
  }
}
