/** Options of {@link ReconcileQueue}. */
export interface ReconcileQueueOptions {
  /** How many keys are worked on at once (default 8). */
  concurrency?: number;
  /** Called with a key whose work threw; the key is worked on again at its next enqueue. */
  onError?: (key: string, error: unknown) => void;
}

/**
 * Work per key, serial per key and parallel across keys (at most `concurrency` at once), with
 * coalescing: a key enqueued while it waits is not queued twice, and a key enqueued while its
 * work runs is worked on once more after it. So a reconcile loop may enqueue a key on every
 * change and every resync; the work (which must be idempotent) always sees the latest state.
 */
export class ReconcileQueue {
  private readonly waiting: string[] = [];
  private readonly queued = new Set<string>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly idleWaiters: Array<() => void> = [];
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly concurrency: number;
  private closed = false;

  constructor(
    private readonly work: (key: string) => Promise<void>,
    private readonly options: ReconcileQueueOptions = {},
  ) {
    this.concurrency = Math.max(1, options.concurrency ?? 8);
  }

  /** Asks for `key` to be worked on (again). Ignored after {@link close}. */
  enqueue(key: string): void {
    if (this.closed) return;
    if (this.running.has(key)) {
      this.again.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.waiting.push(key);
    this.pump();
  }

  /**
   * Asks for `key` to be worked on once `delayMs` have passed, as {@link enqueue} then; a request
   * for it that is due earlier stands. For work that must wait (a restart's backoff). Ignored
   * after {@link close}, which cancels every one not yet due.
   */
  enqueueAfter(key: string, delayMs: number): void {
    if (this.closed) return;
    const at = Date.now() + delayMs;
    const pending = this.timers.get(key);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.enqueue(key);
    }, delayMs);
    this.timers.set(key, { at, timer });
  }

  /** Keys waiting or being worked on. */
  get size(): number {
    return this.queued.size + this.running.size;
  }

  /** Resolves once nothing waits or runs. */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Takes no more keys, drops those waiting, and resolves when the running work has ended. */
  async close(): Promise<void> {
    this.closed = true;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.waiting.length = 0;
    this.queued.clear();
    this.again.clear();
    await Promise.all([...this.running.values()]);
  }

  private pump(): void {
    while (this.running.size < this.concurrency && this.waiting.length > 0) {
      const key = this.waiting.shift()!;
      this.queued.delete(key);
      const run = this.work(key)
        .catch((error: unknown) => this.options.onError?.(key, error))
        .finally(() => {
          this.running.delete(key);
          if (this.again.delete(key)) this.enqueue(key);
          this.pump();
          if (this.size === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
        });
      this.running.set(key, run);
    }
  }
}
