/** Counts arrivals of something and lets a caller wait, with a deadline, for the n-th. */
export class Arrivals {
  private readonly times: number[] = [];
  private readonly waiters: { n: number; resolve: (at: number) => void }[] = [];

  /** Arrival times so far (epoch ms), in order of arrival. */
  get all(): readonly number[] {
    return this.times;
  }

  get count(): number {
    return this.times.length;
  }

  /** Records one arrival at `at` (epoch ms, default now). */
  add(at = Date.now()): void {
    this.times.push(at);
    for (const w of [...this.waiters]) {
      if (this.times.length >= w.n) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(this.times[w.n - 1]!);
      }
    }
  }

  /** Resolves with the time of the n-th arrival; rejects after `timeoutMs` naming `what`. */
  waitFor(n: number, timeoutMs: number, what: string): Promise<number> {
    if (this.times.length >= n) return Promise.resolve(this.times[n - 1]!);
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${this.times.length}/${n}`));
      }, timeoutMs);
      const waiter = {
        n,
        resolve: (at: number) => {
          clearTimeout(timer);
          resolve(at);
        },
      };
      this.waiters.push(waiter);
    });
  }
}
