import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Streams } from '@plato/contracts';
import { createLogger, type Logger } from '@plato/messaging';
import { AggregateCommandRunner } from '../command/aggregate-command.runner.js';
import { allocationDecider, nodeDecider } from '../command/aggregate.decider.js';
import { ClusterReadModel } from '../cluster/cluster.read-model.js';
import { Clock } from '../clock/clock.port.js';
import { KeyedSerialQueue } from '../concurrency/keyed-serial.queue.js';
import { StateServerConfig } from '../config/state-server.config.js';
import { lastSeenOf, overdueNodes } from './liveness.rules.js';

/**
 * Node liveness. Keeps, in memory, when each node was last heard from ({@link seen}: heartbeats and
 * registrations), and every `timeout / 4` ({@link tick}):
 *
 * - marks a registered, ready node whose last sign of life is older than the timeout lost
 *   (`MarkNodeLost` → `NodeLost`), then each of its live allocations (`MarkAllocationLost` →
 *   `AllocationLost`);
 * - marks lost the live allocations of any node already lost (repairs a loss cut short by a crash);
 * - marks a draining node on which no allocation is left that has not ended `NodeDrained`.
 *
 * A node heard from while lost is `MarkNodeAlive` → `NodeRecovered`. Last-seen times start at the
 * monitor's start, so after a restart every node has a full timeout of grace; likewise while the
 * state-server's own NATS connection is down ({@link listeningStopped}) nothing is marked, and once
 * it is back ({@link listeningResumed}) every node has a full timeout of grace again: a silence the
 * state-server could not hear is not a node's. Writes go through the
 * {@link AggregateCommandRunner}, serial per node. Command ids derive from the node's revision,
 * so a repeated decision writes once.
 */
@Injectable()
export class NodeLivenessMonitor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly lastSeen = new Map<string, number>();
  private readonly queue = new KeyedSerialQueue();
  private readonly logger: Logger = createLogger('node-liveness');
  private startedAt: number;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = false;
  private deaf = false;

  constructor(
    @Inject(AggregateCommandRunner) private readonly runner: AggregateCommandRunner,
    @Inject(ClusterReadModel) private readonly readModel: ClusterReadModel,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(StateServerConfig) private readonly config: StateServerConfig,
  ) {
    this.startedAt = clock.now();
  }

  onApplicationBootstrap(): void {
    this.startedAt = this.clock.now();
    this.timer = setInterval(() => void this.tick(), this.config.livenessIntervalMs);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.ticking;
    await this.queue.idle();
  }

  /** A sign of life from `nodeId` (a valid heartbeat or a registration). A lost node recovers. */
  seen(nodeId: string): void {
    this.lastSeen.set(nodeId, this.clock.now());
    if (this.stopped || this.queue.busy(nodeId)) return;
    if (this.readModel.current().nodeState(nodeId)?.liveness !== 'lost') return;
    void this.queue.run(nodeId, () => this.recover(nodeId)).catch((error: unknown) => this.logger.error({ err: error, nodeId }, 'could not mark the node alive'));
  }

  /** The state-server's connection is down: no heartbeat can arrive, so no node is marked lost until {@link listeningResumed}. */
  listeningStopped(): void {
    this.deaf = true;
  }

  /** The state-server's connection is back: every node has a full timeout of grace from now, as after a start. */
  listeningResumed(): void {
    this.startedAt = this.clock.now();
    this.deaf = false;
  }

  /** Looks once for overdue nodes and lost allocations, and writes what it finds. Never overlaps itself. */
  tick(): Promise<void> {
    this.ticking ??= this.check()
      .catch((error: unknown) => this.logger.error({ err: error }, 'liveness check failed'))
      .finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async check(): Promise<void> {
    if (this.deaf) return;
    const projection = await this.readModel.caughtUp();
    const nodes = projection.nodeList().map((node) => ({ nodeId: node.nodeId, state: node.state }));
    const overdue = overdueNodes({ nodes, lastSeen: this.lastSeen, startedAt: this.startedAt, now: this.clock.now(), timeoutMs: this.config.nodeTimeoutMs });
    const lostWithAllocations = nodes.filter((node) => node.state === 'lost' && projection.liveAllocationsOn(node.nodeId).length > 0);
    const drained = projection.drains().filter(({ nodeId }) => projection.liveAllocationsOn(nodeId).length === 0);
    await Promise.all([
      ...drained.map(({ nodeId }) => this.queue.run(nodeId, () => this.markDrained(nodeId))),
      ...overdue.map(({ nodeId }) => this.queue.run(nodeId, () => this.markLost(nodeId))),
      ...lostWithAllocations.map(({ nodeId }) => this.queue.run(nodeId, () => this.markAllocationsLost(nodeId))),
    ]);
  }

  private async markLost(nodeId: string): Promise<void> {
    const lastSeen = lastSeenOf({ lastSeen: this.lastSeen, startedAt: this.startedAt }, nodeId);
    if (this.deaf || this.clock.now() - lastSeen <= this.config.nodeTimeoutMs) return;
    const revision = (await this.readModel.caughtUp()).node(nodeId)?.revision ?? 0;
    const reply = await this.runner.execute(nodeDecider, {
      stream: Streams.node(nodeId),
      command: { type: 'MarkNodeLost', nodeId, lastSeen: new Date(lastSeen).toISOString(), timeoutMs: this.config.nodeTimeoutMs },
      commandId: `liveness-lost:${nodeId}:${revision}`,
    });
    if (reply.events.length > 0) this.logger.warn({ nodeId, lastSeen: new Date(lastSeen).toISOString() }, 'node lost');
    await this.markAllocationsLost(nodeId);
  }

  private async markAllocationsLost(nodeId: string): Promise<void> {
    const projection = await this.readModel.caughtUp();
    const node = projection.node(nodeId);
    if (node?.state !== 'lost') return;
    const commandId = `liveness-lost:${nodeId}:${node.revision}`;
    await Promise.all(
      projection.liveAllocationsOn(nodeId).map((allocId) =>
        this.runner.execute(allocationDecider, {
          stream: Streams.allocation(nodeId, allocId),
          command: { type: 'MarkAllocationLost', nodeId },
          commandId,
          messageId: `${commandId}:${allocId}`,
        }),
      ),
    );
  }

  private async markDrained(nodeId: string): Promise<void> {
    const revision = (await this.readModel.caughtUp()).node(nodeId)?.revision ?? 0;
    await this.runner.execute(nodeDecider, { stream: Streams.node(nodeId), command: { type: 'MarkNodeDrained', nodeId }, commandId: `drained:${nodeId}:${revision}` });
  }

  private async recover(nodeId: string): Promise<void> {
    const node = (await this.readModel.caughtUp()).node(nodeId);
    if (node?.state !== 'lost') return;
    const reply = await this.runner.execute(nodeDecider, {
      stream: Streams.node(nodeId),
      command: { type: 'MarkNodeAlive', nodeId },
      commandId: `liveness-alive:${nodeId}:${node.revision}`,
    });
    if (reply.events.length > 0) this.logger.info({ nodeId }, 'node recovered');
  }
}
