import type { NatsConnection } from '@nats-io/transport-node';
import { ErrorCode, PlatoError, RegisterNode, ReportAllocation, Subjects } from '@plato/contracts';
import type { EventStore, RecordedEvent, Subscription } from '@plato/event-store';
import { encodeJson, request } from '@plato/messaging';
import { Arrivals } from '../shared/arrivals.counter.js';

/**
 * The fake container runtime of hollow nodes: nothing runs and Docker is never called; "starting"
 * an allocation only names a fake container id. For scale runs of the control plane only.
 */
export const fakeRuntime = {
  /** The fake container id of an allocation. */
  start: (allocId: string): string => `fake-${allocId}`,
} as const;

/** Options of {@link HollowAgentHost}. */
export interface HollowAgentHostOptions {
  nc: NatsConnection;
  /** The log, read through ONE subscription for all the host's nodes. */
  store: EventStore;
  /** The simulated nodes. */
  nodeIds: readonly string[];
  /** What each node registers: CPU in millicores, memory in MiB. */
  capacity: { cpu: number; memory: number };
  /** Milliseconds between two heartbeats of one node. */
  heartbeatMs: number;
  /** Reports (ReportAllocation requests) in flight at most. */
  reportConcurrency: number;
  /** Attempts of a report before it counts as failed. */
  reportAttempts?: number;
}

/** What one AllocationPlaced of a plan looked like: for the per-plan breakdown. */
export interface PlanTrace {
  commandId: string;
  placements: number;
  /** Server timestamps (epoch ms) of its first and last AllocationPlaced. */
  first: number;
  last: number;
  firstPosition: number;
  lastPosition: number;
}

/**
 * Many hollow agents in one process: each simulated node registers (RegisterNode), heartbeats on
 * `plato.heartbeat.<nodeId>` (one publish per node per interval), and reports `started` with a
 * {@link fakeRuntime} container id for every AllocationPlaced on one of its allocation streams.
 * Unlike a real agent, which replays only `alloc.<nodeId>.>`, the host opens ONE subscription on
 * every `alloc` stream (server-side filter `plato.ev.alloc.>`) and picks its nodes' events on the
 * client: a thousand ordered consumers would measure the consumers, not the control plane.
 * It also counts every AllocationPlaced and AllocationStarted it sees, with arrival and server times.
 */
export class HollowAgentHost {
  /** When the host saw each AllocationPlaced / AllocationStarted (epoch ms). */
  readonly placedSeen = new Arrivals();
  readonly startedSeen = new Arrivals();
  /** Server timestamps of the same events. */
  readonly placedAt: number[] = [];
  readonly startedAt: number[] = [];
  /** Placements grouped by the plan (command id) that wrote them. */
  readonly plans = new Map<string, PlanTrace>();
  /** Reports that failed every attempt, and their last reason. */
  failedReports = 0;
  lastFailure: string | undefined;
  /** Milliseconds each accepted report took (request → reply). */
  readonly reportMs: number[] = [];

  private readonly nodes: ReadonlySet<string>;
  private readonly queue: { nodeId: string; allocId: string }[] = [];
  private inFlight = 0;
  private heartbeat: NodeJS.Timeout | undefined;
  private subscription: Subscription | undefined;
  private closed = false;

  constructor(private readonly options: HollowAgentHostOptions) {
    this.nodes = new Set(options.nodeIds);
  }

  /** Reports queued and not yet answered. */
  get backlog(): number {
    return this.queue.length + this.inFlight;
  }

  /** Registers every node, `concurrency` requests at a time; resolves once all were accepted. */
  async register(concurrency: number): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < this.options.nodeIds.length && !this.closed) {
        const nodeId = this.options.nodeIds[next++]!;
        await request(
          this.options.nc,
          RegisterNode,
          { commandId: `${nodeId}:register:hollow`, nodeId, hostname: nodeId, capacity: this.options.capacity, labels: { hollow: 'true' }, runtimes: ['docker'] },
          { timeoutMs: 30_000 },
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, this.options.nodeIds.length) }, worker));
  }

  /** Publishes every node's heartbeat now and then every `heartbeatMs`. */
  startHeartbeats(): void {
    const beat = () => {
      if (this.closed || this.options.nc.isClosed()) return;
      const at = new Date().toISOString();
      for (const nodeId of this.options.nodeIds) {
        this.options.nc.publish(Subjects.heartbeat(nodeId), encodeJson({ nodeId, at, runtimes: ['docker'] }));
      }
    };
    beat();
    this.heartbeat = setInterval(beat, this.options.heartbeatMs);
  }

  /** Opens the one subscription on the allocation streams, from the log's end. */
  async subscribe(): Promise<void> {
    this.subscription = await this.options.store.subscribeToAll((event) => this.onEvent(event), {
      fromPosition: 'end',
      filter: { streamPrefixes: ['alloc'] },
    });
  }

  /** Stops heartbeats, the subscription and new reports; waits (bounded) for reports in flight. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    await this.subscription?.close();
    for (let i = 0; i < 100 && this.inFlight > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  private onEvent(event: RecordedEvent): void {
    const [, nodeId, allocId] = event.stream.split('.');
    if (nodeId === undefined || allocId === undefined) return;
    const created = event.created.getTime();
    if (event.type === 'AllocationPlaced') {
      this.placedSeen.add();
      this.placedAt.push(created);
      const commandId = event.metadata['commandId'] ?? 'unknown';
      const plan = this.plans.get(commandId);
      if (plan) {
        plan.placements++;
        plan.first = Math.min(plan.first, created);
        plan.last = Math.max(plan.last, created);
        plan.lastPosition = event.position;
      } else {
        this.plans.set(commandId, { commandId, placements: 1, first: created, last: created, firstPosition: event.position, lastPosition: event.position });
      }
      if (this.nodes.has(nodeId)) {
        this.queue.push({ nodeId, allocId });
        this.pump();
      }
    } else if (event.type === 'AllocationStarted') {
      this.startedSeen.add();
      this.startedAt.push(created);
    }
  }

  private pump(): void {
    while (!this.closed && this.inFlight < this.options.reportConcurrency && this.queue.length > 0) {
      const next = this.queue.shift()!;
      this.inFlight++;
      void this.report(next.nodeId, next.allocId).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async report(nodeId: string, allocId: string): Promise<void> {
    const attempts = this.options.reportAttempts ?? 3;
    for (let attempt = 1; attempt <= attempts && !this.closed; attempt++) {
      const t0 = performance.now();
      try {
        await request(
          this.options.nc,
          ReportAllocation,
          { commandId: `hollow:${allocId}:started`, nodeId, allocId, report: { kind: 'started', containerId: fakeRuntime.start(allocId), ports: [] } },
          { timeoutMs: 10_000 },
        );
        this.reportMs.push(performance.now() - t0);
        return;
      } catch (error) {
        this.lastFailure = error instanceof Error ? error.message : String(error);
        if (!(error instanceof PlatoError && error.code === ErrorCode.Unavailable)) break;
      }
    }
    this.failedReports++;
  }
}
