import { Streams } from '@plato/contracts';
import type { EventStore, RecordedEvent, Subscription } from '@plato/event-store';
import { servingBetween, servingChangeOf, type ServingChange } from '@plato/testing';

/** One allocation of the followed deployment, as the log says (server timestamps, epoch ms; NaN until seen). */
export interface FollowedAlloc {
  allocId: string;
  nodeId: string;
  /** The deployment version it runs. */
  version: number;
  /** Its replica slot. */
  index: number;
  placedAt: number;
  /** When the state-server recorded AllocationStarted. */
  startedAt: number;
  /** When the bench received that AllocationStarted. */
  startedSeenAt: number;
  /** The first AllocationHealthy. */
  healthyAt: number;
  /** AllocationStopRequested. */
  stopRequestedAt: number;
  /** AllocationStopped. */
  stoppedAt: number;
  /** Host ports of the container, from AllocationStarted. */
  ports: number[];
  /** AllocationStarted events: more than one when the agent restarted the container. */
  starts: number;
  /** AllocationUnhealthy events, and the last one's reason. */
  unhealthy: number;
  unhealthyReason: string;
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

/** One event of the followed deployment's own stream (`deployment.default.<name>`). */
export interface DeploymentEvent {
  type: string;
  position: number;
  /** Server timestamp, epoch ms. */
  created: number;
  /** When the bench received it, epoch ms. */
  seenAt: number;
  data: Record<string, unknown>;
}

const endsAllocation = new Set(['AllocationStopRequested', 'AllocationStopped', 'AllocationLost', 'AllocationFailed', 'AllocationCompleted']);

/**
 * Follows the whole cluster log from its end (a subscription, no polling) and keeps what a bench
 * trial reads: the followed deployment's allocations by id, its own stream's events, when each of
 * its allocations began or stopped serving, and every node event. Only events of the contracts are
 * read, so it measures whatever the scheduler decides. Used by bench:node-loss and bench:rollout.
 */
export class ClusterLogFollower {
  /** The deployment's allocations by id. */
  readonly allocs = new Map<string, FollowedAlloc>();
  /** Node events in order of arrival. */
  readonly nodeEvents: NodeEvent[] = [];
  /** The deployment stream's events in log order. */
  readonly deploymentEvents: DeploymentEvent[] = [];
  /** The deployment's serving changes in log order. */
  readonly servingChanges: ServingChange[] = [];
  private subscription: Subscription | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly deploymentStream: string;

  constructor(
    private readonly store: EventStore,
    private readonly deployment: string,
    namespace = 'default',
  ) {
    this.deploymentStream = Streams.deployment(namespace, deployment);
  }

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

  /**
   * Replays the serving changes seen: how many allocations served right after log position `from`
   * (`atStart`), and the fewest at any position in `(from, to]`, `atStart` included.
   */
  fewestServing(from: number, to: number): { atStart: number; least: number } {
    const { atStart, least } = servingBetween(this.servingChanges, from, to);
    return { atStart, least };
  }


  private onEvent(event: RecordedEvent): void {
    const seen = Date.now();
    const created = event.created.getTime();
    const [kind, second, third] = event.stream.split('.');
    if (event.stream === this.deploymentStream) {
      this.deploymentEvents.push({ type: event.type, position: event.position, created, seenAt: seen, data: event.data as Record<string, unknown> });
    } else if (kind === 'node' && second !== undefined) {
      this.nodeEvents.push({ nodeId: second, type: event.type, created, data: event.data });
    } else if (kind === 'alloc' && third !== undefined) {
      this.onAllocationEvent(third, event, created, seen);
    }
    for (const listener of [...this.listeners]) listener();
  }

  private onAllocationEvent(allocId: string, event: RecordedEvent, created: number, seen: number): void {
    const data = event.data as Record<string, unknown>;
    if (event.type === 'AllocationPlaced') {
      if (data['deployment'] !== this.deployment) return;
      this.allocs.set(allocId, {
        allocId,
        nodeId: String(data['nodeId']),
        version: Number(data['version']),
        index: Number(data['index']),
        placedAt: created,
        startedAt: Number.NaN,
        startedSeenAt: Number.NaN,
        healthyAt: Number.NaN,
        stopRequestedAt: Number.NaN,
        stoppedAt: Number.NaN,
        ports: [],
        starts: 0,
        unhealthy: 0,
        unhealthyReason: '',
        over: false,
      });
      return;
    }
    const alloc = this.allocs.get(allocId);
    if (!alloc) return;
    const change = servingChangeOf(event, allocId);
    if (change) this.servingChanges.push(change);
    if (endsAllocation.has(event.type)) alloc.over = true;
    if (event.type === 'AllocationStarted') {
      alloc.starts += 1;
      if (Number.isNaN(alloc.startedAt)) {
        alloc.startedAt = created;
        alloc.startedSeenAt = seen;
      }
      alloc.ports = ((data['ports'] ?? []) as { host?: number }[]).map((p) => p.host ?? 0).filter((p) => p > 0);
    } else if (event.type === 'AllocationHealthy' && Number.isNaN(alloc.healthyAt)) alloc.healthyAt = created;
    else if (event.type === 'AllocationUnhealthy') {
      alloc.unhealthy += 1;
      alloc.unhealthyReason = String(data['reason']);
    }
    else if (event.type === 'AllocationStopRequested') alloc.stopRequestedAt = created;
    else if (event.type === 'AllocationStopped') alloc.stoppedAt = created;
  }
}
