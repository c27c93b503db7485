import type { NatsConnection } from '@nats-io/transport-node';
import { ApplyDeployment, DeleteDeployment, Streams, type DeploymentSpecInput } from '@plato/contracts';
import type { EventStore, RecordedEvent, Subscription } from '@plato/event-store';
import { request } from '@plato/messaging';
import { Arrivals } from '../shared/arrivals.counter.js';
import type { DockerEngine } from './docker.engine.js';

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
  /** The Nth container `start` event of the Docker engine ("all containers running"). */
  dockerMs: number;
  /** Breakdown from the events' server timestamps and the engine's start events. */
  breakdown: {
    specApplied: number;
    firstPlaced: number;
    lastPlaced: number;
    firstDockerStart: number;
    lastDockerStart: number;
    firstStarted: number;
    lastStarted: number;
  };
  /** Delete → every AllocationStopped seen and no container left (ms). */
  deleteMs: number;
}

/** Options of {@link ApplyRunner}. */
export interface ApplyRunnerOptions {
  nc: NatsConnection;
  /** The cluster's log, read to time each round. */
  store: EventStore;
  docker: DockerEngine;
  nodeId: string;
  /** The deployment spec of every round, but name and replicas. */
  template: Omit<DeploymentSpecInput, 'name' | 'replicas'>;
  /** Per-round bound (ms) of each wait. */
  roundTimeoutMs: number;
}

/**
 * Runs timed applies against a running cluster: for each round, applies a fresh deployment of N
 * replicas, waits for its Nth `AllocationStarted` in the log (a subscription, no polling) and for
 * N container start events of the engine, then deletes it and waits until every allocation is
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
    const { nc, docker, roundTimeoutMs } = this.options;
    const round = new RoundLog(name);
    this.current = round;
    const label = `plato.deployment=default/${name}`;
    const watch = await docker.watchStarts(label);
    try {
      const t0 = Date.now();
      await request(nc, ApplyDeployment, { commandId: `bench-apply-${name}`, spec: { ...this.options.template, name, replicas } });
      const reported = await round.startedSeen.waitFor(replicas, roundTimeoutMs, `${replicas} AllocationStarted of ${name}`);
      const docked = await watch.starts.waitFor(replicas, roundTimeoutMs, `${replicas} container starts of ${name}`);
      const rel = (t: number) => Math.round(t - t0);
      const starts = watch.starts.all;
      const result: ApplyRound = {
        replicas,
        deployment: name,
        reportedMs: rel(reported),
        dockerMs: rel(docked),
        breakdown: {
          specApplied: rel(round.specAppliedAt),
          firstPlaced: rel(Math.min(...round.placedAt)),
          lastPlaced: rel(Math.max(...round.placedAt)),
          firstDockerStart: rel(Math.min(...starts)),
          lastDockerStart: rel(Math.max(...starts)),
          firstStarted: rel(Math.min(...round.startedAt)),
          lastStarted: rel(Math.max(...round.startedAt)),
        },
        deleteMs: Number.NaN,
      };
      const d0 = Date.now();
      await request(nc, DeleteDeployment, { commandId: `bench-delete-${name}`, name });
      await round.stoppedSeen.waitFor(replicas, roundTimeoutMs, `${replicas} AllocationStopped of ${name}`);
      await docker.waitGone(label, roundTimeoutMs);
      result.deleteMs = Date.now() - d0;
      return result;
    } finally {
      watch.close();
      this.current = undefined;
    }
  }
}
