import type { ContainerRuntime } from '@plato/runtime';

/**
 * Waits on the engine for the exit of each running container the agent manages (one
 * `waitExit` per container, on the runtime it runs on), and calls `onExit(allocId)` when it exits, is killed or removed, so the
 * allocation is reconciled at once instead of at the next resync. Only a speed-up: the resync
 * still finds every drift, so a wait that fails (engine restarted) loses nothing.
 */
export class ExitWatcher {
  private readonly watches = new Map<string, { containerId: string; runtime: ContainerRuntime; abort: AbortController }>();
  private closed = false;

  constructor(private readonly onExit: (allocId: string) => void) {}

  /** Watches `containerId` on `runtime` for `allocId`, replacing a watch of another container of it. */
  watch(allocId: string, containerId: string, runtime: ContainerRuntime): void {
    if (this.closed) return;
    const current = this.watches.get(allocId);
    if (current?.containerId === containerId && current.runtime === runtime) return;
    current?.abort.abort();
    const abort = new AbortController();
    this.watches.set(allocId, { containerId, runtime, abort });
    const settled = (): void => {
      if (abort.signal.aborted) return;
      if (this.watches.get(allocId)?.abort === abort) this.watches.delete(allocId);
      this.onExit(allocId);
    };
    runtime.waitExit(containerId, { signal: abort.signal }).then(settled, settled);
  }

  /** Stops watching the container of `allocId`. */
  unwatch(allocId: string): void {
    this.watches.get(allocId)?.abort.abort();
    this.watches.delete(allocId);
  }

  /** Stops every watch. */
  close(): void {
    this.closed = true;
    for (const { abort } of this.watches.values()) abort.abort();
    this.watches.clear();
  }
}
