import type { NatsConnection } from '@nats-io/transport-node';
import { ApplyDeployment, DeleteDeployment, Streams, type DeploymentSpecInput } from '@plato/contracts';
import type { EventStore, RecordedEvent, Subscription } from '@plato/event-store';
import { request } from '@plato/messaging';
import { Arrivals } from '../shared/arrivals.counter.js';

/** What one deployment's round saw in the log: server timestamps (`created`) and when the bench saw each event. */
class RoundLog {
  specAppliedAt = Number.NaN;
  readonly allocs = new Set<string>();
  readonly placedAt: number[] = [];
  readonly startedAt: number[] = [];
  readonly startedSeen = new Arrivals();
  readonly placedSeen = new Arrivals();
  readonly stoppedSeen = new Arrivals();

  constructor(readonly deployment: string) {}
}

/** One timed `apply` of N replicas: every time is in ms after the bench sent ApplyDeployment. */
export interface ApplyRound {
  replicas: number;
  deployment: string;
  /** The Nth AllocationStarted seen by the bench (the user's "all reported running"). */
  reportedMs: number;
  /** The Nth container start by the engine's clock ("all containers running"). */
  engineMs: number;
  /** Breakdown from the events' server timestamps and the engine's own times. */
  breakdown: {
    specApplied: number;
    firstPlaced: number;
    lastPlaced: number;
    /** When the engine created the first and last container (NaN when it does not say). */
    firstEngineCreate: number;
    lastEngineCreate: number;
    firstEngineStart: number;
    lastEngineStart: number;
    firstStarted: number;
    lastStarted: number;
  };
  /** Delete → every AllocationStopped seen and no container left (ms). */
  deleteMs: number;
}

/** When the engine created and started a round's containers (epoch ms, the engine's clock). */
export interface EngineTimes {
  /** One start time per container, in order of start. */
  started: number[];
  /** One creation time per container, when the engine records them apart from starts. */
  created?: number[];
}

/** What the engine says of the containers carrying one label, followed from before the apply. */
export interface EngineWatch {
  /** Resolves with the times of the first `n` containers started; rejects after `timeoutMs`. */
  times(n: number, timeoutMs: number): Promise<EngineTimes>;
  close(): void;
}

/**
 * The container engine as a round sees it (the Docker engine, LXD): it follows the containers
 * carrying a label (`key=value`, as the agent labels them) and says when they are all gone.
 */
export interface RoundEngine {
  /** Starts following the containers carrying `label`; called before the apply is sent. */
  watch(label: string): Promise<EngineWatch>;
  /** Resolves once no container carries `label`; rejects after `timeoutMs`. */
  waitGone(label: string, timeoutMs: number): Promise<void>;
}

/** Options of {@link ApplyRunner}. */
export interface ApplyRunnerOptions {
  nc: NatsConnection;
  /** The cluster's log, read to time each round. */
  store: EventStore;
  engine: RoundEngine;
  nodeId: string;
  /** The deployment spec of every round, but name and replicas. */
  template: Omit<DeploymentSpecInput, 'name' | 'replicas'>;
  /** Per-round bound (ms) of each wait. */
  roundTimeoutMs: number;
}

/**
 * Runs timed applies against a running cluster: for each round, applies a fresh deployment of N
 * replicas, waits for its Nth `AllocationStarted` in the log (a subscription, no polling) and for
 * N container starts by the engine, then deletes it and waits until every allocation is
 * stopped and its containers are gone.
 */
export class ApplyRunner {
  private subscription: Subscription | undefined;
  private current: RoundLog | undefined;

  constructor(private readonly options: ApplyRunnerOptions) {}

  /** Subscribes to the log from its end. */
  async start(): Promise<void> {
    this.subscription = await this.options.store.subscribeToAll((event) => this.onEvent(event), { fromPosition: 'end' });
  }

  async close(): Promise<void> {
    await this.subscription?.close();
  }

  private onEvent(event: RecordedEvent): void {
    const round = this.current;
    if (!round) return;
    const created = event.created.getTime();
    if (event.stream === Streams.deployment('default', round.deployment)) {
      if (event.type === 'DeploymentSpecApplied') round.specAppliedAt = created;
      return;
    }
    const [kind, , allocId] = event.stream.split('.');
    if (kind !== 'alloc' || allocId === undefined) return;
    if (event.type === 'AllocationPlaced') {
      if ((event.data as { deployment?: string }).deployment !== round.deployment) return;
      round.allocs.add(allocId);
      round.placedAt.push(created);
      round.placedSeen.add();
    } else if (round.allocs.has(allocId)) {
      if (event.type === 'AllocationStarted') {
        round.startedAt.push(created);
        round.startedSeen.add();
      } else if (event.type === 'AllocationStopped') {
        round.stoppedSeen.add();
      }
    }
  }

  /** One apply → all running → delete → all gone round of `replicas` under deployment name `name`. */
  async round(name: string, replicas: number): Promise<ApplyRound> {
    const { nc, engine, roundTimeoutMs } = this.options;
    const round = new RoundLog(name);
    this.current = round;
    const label = `plato.deployment=default/${name}`;
    const watch = await engine.watch(label);
    try {
      const t0 = Date.now();
      await request(nc, ApplyDeployment, { commandId: `bench-apply-${name}`, spec: { ...this.options.template, name, replicas } });
      const reported = await round.startedSeen.waitFor(replicas, roundTimeoutMs, `${replicas} AllocationStarted of ${name}`);
      const { started, created = [] } = await watch.times(replicas, roundTimeoutMs);
      const rel = (t: number) => Math.round(t - t0);
      const result: ApplyRound = {
        replicas,
        deployment: name,
        reportedMs: rel(reported),
        engineMs: rel(Math.max(...started)),
        breakdown: {
          specApplied: rel(round.specAppliedAt),
          firstPlaced: rel(Math.min(...round.placedAt)),
          lastPlaced: rel(Math.max(...round.placedAt)),
          firstEngineCreate: created.length > 0 ? rel(Math.min(...created)) : Number.NaN,
          lastEngineCreate: created.length > 0 ? rel(Math.max(...created)) : Number.NaN,
          firstEngineStart: rel(Math.min(...started)),
          lastEngineStart: rel(Math.max(...started)),
          firstStarted: rel(Math.min(...round.startedAt)),
          lastStarted: rel(Math.max(...round.startedAt)),
        },
        deleteMs: Number.NaN,
      };
      const d0 = Date.now();
      await request(nc, DeleteDeployment, { commandId: `bench-delete-${name}`, name });
      await round.stoppedSeen.waitFor(replicas, roundTimeoutMs, `${replicas} AllocationStopped of ${name}`);
      await engine.waitGone(label, roundTimeoutMs);
      result.deleteMs = Date.now() - d0;
      return result;
    } finally {
      watch.close();
      this.current = undefined;
    }
  }
}
