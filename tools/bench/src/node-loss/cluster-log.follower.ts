import type { EventStore, RecordedEvent, Subscription } from '@plato/event-store';

/** One allocation of the followed deployment, as the log says (server timestamps, epoch ms). */
export interface FollowedAlloc {
  allocId: string;
  nodeId: string;
  placedAt: number;
  /** When the state-server recorded AllocationStarted (NaN until then). */
  startedAt: number;
  /** When the bench received that AllocationStarted (NaN until then). */
  startedSeenAt: number;
  /** Host ports of the container, from AllocationStarted. */
  ports: number[];
  /** A stop was requested, or the allocation ended. */
  over: boolean;
}

/** One node event seen in the log. */
export interface NodeEvent {
  nodeId: string;
  type: string;
  created: number;
  data: unknown;
}

/**
 * Follows the whole cluster log from its end (a subscription, no polling) and keeps what a
 * node-loss trial reads: the followed deployment's allocations by id and every node event.
 * Only events of the contracts are read, so it measures whatever the scheduler decides.
 */
export class ClusterLogFollower {
  /** The deployment's allocations by id. */
  readonly allocs = new Map<string, FollowedAlloc>();
  /** Node events in order of arrival. */
  readonly nodeEvents: NodeEvent[] = [];
  private subscription: Subscription | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly store: EventStore,
    private readonly deployment: string,
  ) {}

  /** Subscribes to the log from its end. */
  async start(): Promise<void> {
    this.subscription = await this.store.subscribeToAll((event) => this.onEvent(event), { fromPosition: 'end' });
  }

  async close(): Promise<void> {
    await this.subscription?.close();
  }

  /** Resolves with `probe()`'s first defined value, checked on every event; rejects after `timeoutMs`. */
  until<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const value = probe();
        if (value === undefined) return;
        done();
        resolve(value);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${what}: not seen within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  /** The node events of `nodeId` of type `type` recorded at or after `since`. */
  nodeEventsOf(nodeId: string, type: string, since: number): NodeEvent[] {
    return this.nodeEvents.filter((e) => e.nodeId === nodeId && e.type === type && e.created >= since);
  }

  private onEvent(event: RecordedEvent): void {
    const seen = Date.now();
    const created = event.created.getTime();
    const [kind, second, third] = event.stream.split('.');
    if (kind === 'node' && second !== undefined) {
      this.nodeEvents.push({ nodeId: second, type: event.type, created, data: event.data });
    } else if (kind === 'alloc' && third !== undefined) {
      const data = event.data as Record<string, unknown>;
      if (event.type === 'AllocationPlaced') {
        if (data['deployment'] === this.deployment) {
          this.allocs.set(third, { allocId: third, nodeId: String(data['nodeId']), placedAt: created, startedAt: Number.NaN, startedSeenAt: Number.NaN, ports: [], over: false });
        }
      } else {
        const alloc = this.allocs.get(third);
        if (alloc && event.type === 'AllocationStarted') {
          if (Number.isNaN(alloc.startedAt)) {
            alloc.startedAt = created;
            alloc.startedSeenAt = seen;
          }
          alloc.ports = ((data['ports'] ?? []) as { host?: number }[]).map((p) => p.host ?? 0).filter((p) => p > 0);
        } else if (alloc && ['AllocationStopRequested', 'AllocationStopped', 'AllocationLost', 'AllocationFailed', 'AllocationCompleted'].includes(event.type)) {
          alloc.over = true;
        }
      }
    }
    for (const listener of [...this.listeners]) listener();
  }
}
