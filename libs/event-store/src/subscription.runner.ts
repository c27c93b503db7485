import type { EventHandler, RecordedEvent, Subscription } from './event-store.port.js';

/**
 * The delivery half shared by the adapters' subscriptions: hands the events of each append to the
 * handler one at a time, in order, skips any append at or before the last one finished (so a
 * redelivery after a reconnect never reaches the handler twice), and tracks `position`.
 * The adapter feeds it appends and decides how `caughtUp` learns of filtered-out positions.
 */
export class SubscriptionRunner implements Subscription {
  private current: number;
  private readonly waiters = new Set<{ position: number; resolve: () => void }>();
  private settle!: { resolve: () => void; reject: (error: unknown) => void };
  private ended = false;
  readonly closed: Promise<void>;

  constructor(
    private readonly handler: EventHandler,
    startPosition: number,
    private readonly onClose: () => Promise<void>,
    private readonly probeCaughtUp: (position: number) => Promise<boolean> = async () => false,
  ) {
    this.current = startPosition;
    this.closed = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    this.closed.catch(() => undefined);
  }

  get position(): number {
    return this.current;
  }

  /** Whether the subscription has ended (closed or failed). */
  get isEnded(): boolean {
    return this.ended;
  }

  /**
   * Delivers the events of one append (all at `position`). Returns false when the append was
   * already delivered, or the subscription has ended.
   */
  async deliver(position: number, events: RecordedEvent[]): Promise<boolean> {
    if (this.ended || position <= this.current) return false;
    for (const event of events) {
      try {
        await this.handler(event);
      } catch (error) {
        this.fail(error);
        return false;
      }
      if (this.ended) return false;
    }
    this.advance(position);
    return true;
  }

  /** Moves the position past appends the adapter knows the filter skipped. */
  advance(position: number): void {
    if (position <= this.current) return;
    this.current = position;
    for (const waiter of this.waiters) {
      if (waiter.position <= position) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  async caughtUp(position: number): Promise<void> {
    if (this.current >= position) return;
    await new Promise<void>((resolve, reject) => {
      const waiter = { position, resolve };
      this.waiters.add(waiter);
      this.closed.then(
        () => reject(new Error(`subscription closed before position ${position}`)),
        (error: unknown) => reject(error),
      );
      const probe = async (): Promise<void> => {
        while (this.waiters.has(waiter) && !this.ended) {
          if (await this.probeCaughtUp(position).catch(() => false)) {
            this.waiters.delete(waiter);
            resolve();
            return;
          }
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      void probe();
    });
  }

  async close(): Promise<void> {
    if (this.ended) return this.closed.catch(() => undefined);
    this.ended = true;
    try {
      await this.onClose();
    } finally {
      this.settle.resolve();
    }
  }

  /** Ends the subscription because the handler (or the source) failed. */
  fail(error: unknown): void {
    if (this.ended) return;
    this.ended = true;
    void this.onClose().finally(() => this.settle.reject(error));
  }
}
