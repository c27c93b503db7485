import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { DeleteDeployment, platoEvents } from '@plato/contracts';
import { JetStreamEventStore } from '@plato/event-store';
import { connectNats, request } from '@plato/messaging';
import { repoRoot } from '@plato/testing';
import type { DockerEngine } from '../apply/docker.engine.js';
import { PlatoUpProcess } from '../apply/plato-up.process.js';
import { ClusterLogFollower } from './cluster-log.follower.js';

/** Options of a {@link PlatoBenchCluster}. */
export interface PlatoBenchClusterOptions {
  /** The bench's tag, for the state dir's prefix, the NATS client name and command ids (`bench-loss`). */
  tag: string;
  /** A node id unique to this run, for `plato up`'s agent. */
  nodeId: string;
  /** The deployment the bench applies and the follower follows (namespace `default`). */
  deployment: string;
  docker: DockerEngine;
  log: (line: string) => void;
}

/** What {@link PlatoBenchCluster.start} brought up. */
export interface StartedPlatoBenchCluster {
  up: PlatoUpProcess;
  nc: NatsConnection;
  follower: ClusterLogFollower;
}

/**
 * `plato up` on a temporary state dir, a NATS connection to it, the event store and a
 * {@link ClusterLogFollower} of the bench's deployment — and their teardown, which works from
 * whatever part of `start` got done: delete the deployment and wait for its containers to go, close
 * the follower, store and connection, stop `plato up` by PID, remove the containers of the labels
 * the run owns, remove the state dir. Used by bench:node-loss and bench:rollout.
 */
export class PlatoBenchCluster {
  private up: PlatoUpProcess | undefined;
  private nc: NatsConnection | undefined;
  private store: JetStreamEventStore | undefined;
  private follower: ClusterLogFollower | undefined;
  private stateDir: string | undefined;

  constructor(private readonly options: PlatoBenchClusterOptions) {}

  /** Starts `plato up` and follows the log from its end. */
  async start(): Promise<StartedPlatoBenchCluster> {
    const { tag, nodeId, deployment, log } = this.options;
    this.stateDir = await mkdtemp(join(tmpdir(), `plato-${tag}-`));
    const up = (this.up = await PlatoUpProcess.start({ repoRoot, stateDir: this.stateDir, nodeId }));
    log(`plato up (pid ${up.pids['cli']}) on ${up.natsUrl}, node ${nodeId}, state dir ${this.stateDir}`);
    const nc = (this.nc = await connectNats({ name: `plato-${tag}`, servers: up.natsUrl }));
    this.store = await JetStreamEventStore.connect(nc, { catalog: platoEvents });
    const follower = (this.follower = new ClusterLogFollower(this.store, deployment));
    await follower.start();
    return { up, nc, follower };
  }

  /** The last 3 000 characters `plato up` printed, for a failure's log. */
  tail(): string | undefined {
    return this.up?.log.slice(-3000);
  }

  /**
   * Tears down what `start` brought up; `beforeUpStops` runs once the connection is closed (to
   * stop processes the bench started beside `plato up`). Removes every container carrying one of
   * `labels` (`key=value`: the run's node ids and run label) at the end. Never rejects.
   */
  async stop(labels: readonly string[], beforeUpStops?: () => Promise<void>): Promise<void> {
    const { tag, deployment, docker, log } = this.options;
    if (this.nc) {
      await request(this.nc, DeleteDeployment, { commandId: `${tag}-delete-${deployment}`, name: deployment }).catch((error: unknown) => log(`delete failed: ${String(error)}`));
      await docker.waitGone(`plato.deployment=default/${deployment}`, 30_000).catch((error: unknown) => log(String(error)));
    }
    await this.follower?.close().catch(() => undefined);
    await this.store?.close().catch(() => undefined);
    await Promise.race([this.nc?.close().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2_000))]);
    await beforeUpStops?.().catch((error: unknown) => log(String(error)));
    await this.up?.stop().catch((error: unknown) => log(`could not stop plato up: ${String(error)}`));
    for (const label of labels) {
      const removed = await docker.removeAll(label).catch((error: unknown) => (log(`could not remove ${label}: ${String(error)}`), 0));
      if (removed > 0) log(`removed ${removed} container(s) labelled ${label}`);
    }
    if (this.stateDir) await rm(this.stateDir, { recursive: true, force: true });
    log(`stopped plato up (pid ${this.up?.pids['cli'] ?? '-'}), removed ${this.stateDir ?? '-'}`);
  }
}
