import { Inject, Injectable } from '@nestjs/common';
import { Streams, type ParsedRequestOf, type ReplyOf, type SubmitPlan } from '@plato/contracts';
import type { AllocationCommand } from '@plato/domain';
import { AggregateCommandRunner, type CommandAccepted, type StreamCommand } from '../command/aggregate-command.runner.js';
import { allocationDecider, deploymentDecider } from '../command/aggregate.decider.js';
import { ClusterReadModel } from '../cluster/cluster.read-model.js';
import { mapBounded } from '../concurrency/bounded.map.js';
import { KeyedSerialQueue } from '../concurrency/keyed-serial.queue.js';
import { checkPlan } from './plan.checker.js';
import { PlanRefused } from './plan.errors.js';
import { placementDecider } from './placement.decider.js';

/** A plan's allocation commands in flight at once (the event-store bench appends fastest at 256–512). */
const appendsInFlight = 256;

/**
 * Applies the scheduler's plans (Nomad's plan applier): one at a time, each checked by
 * {@link checkPlan} against the cluster read model once it holds the log's last position, so a
 * plan sees every plan applied before it. A refused plan writes nothing (CONFLICT, see
 * {@link PlanRefused}). An accepted one writes, each through the {@link AggregateCommandRunner}:
 *
 * - `AllocationPlaced` on `alloc.<nodeId>.<allocId>` per placement (a new stream: expected
 *   `no_stream`), carrying the current version's full spec; an allocation the caught-up read model
 *   does not hold is appended without reading its stream first (`knownEmpty`);
 * - `AllocationStopRequested` per stop;
 * - `AllocationRecovered` per recovery (a lost allocation kept on its node that came back);
 * - then `DeploymentPlacementBlocked` / `DeploymentPlacementUnblocked` and `DeploymentDegraded` /
 *   `DeploymentRestored` on deployment streams;
 * - then `RolloutCompleted` or `RolloutFailed` per rollout the plan ends, decided by the Deployment
 *   aggregate: a failed rollout with `auto_revert` brings the last stable version back in the same
 *   append (`DeploymentSpecApplied` with `revertOf`, and its own `RolloutStarted`).
 *
 * Every event records the plan's command id; each stream's message id is `<commandId>:<allocId>`
 * (or `:<stream>`), since JetStream deduplicates message ids across the log. Each placement is its
 * own fact: a crash halfway leaves some placements written, which the scheduler sees in its next
 * snapshot; a retry of the same plan (same command id) writes only what is missing and replies
 * the same counts.
 */
@Injectable()
export class PlanApplier {
  private readonly queue = new KeyedSerialQueue();

  constructor(
    @Inject(AggregateCommandRunner) private readonly runner: AggregateCommandRunner,
    @Inject(ClusterReadModel) private readonly readModel: ClusterReadModel,
  ) {}

  /** SubmitPlan: checks and applies a plan after every plan submitted before it. */
  submit(command: ParsedRequestOf<typeof SubmitPlan>): Promise<ReplyOf<typeof SubmitPlan>> {
    return this.queue.run('plan', () => this.apply(command));
  }

  private async apply({ commandId, plan }: ParsedRequestOf<typeof SubmitPlan>): Promise<ReplyOf<typeof SubmitPlan>> {
    const projection = await this.readModel.caughtUp();
    const check = checkPlan(projection, plan);
    if (!check.ok) throw new PlanRefused(check.reasons);
    const known = new Set(check.placements.filter((placement) => projection.allocation(placement.allocId) !== undefined).map((placement) => placement.allocId));
    const stopCommands: StreamCommand<AllocationCommand>[] = check.stops.map((stop) => ({
      stream: Streams.allocation(stop.nodeId, stop.allocId),
      command: { type: 'StopAllocation', reason: stop.reason },
      commandId,
      messageId: `${commandId}:${stop.allocId}`,
    }));
    const placeCommands: StreamCommand<AllocationCommand>[] = check.placements.map((placement) => ({
      stream: Streams.allocation(placement.nodeId, placement.allocId),
      command: { type: 'PlaceAllocation', placement },
      commandId,
      messageId: `${commandId}:${placement.allocId}`,
      knownEmpty: !known.has(placement.allocId),
    }));
    const recoverCommands: StreamCommand<AllocationCommand>[] = check.recoveries.map((recovery) => ({
      stream: Streams.allocation(recovery.nodeId, recovery.allocId),
      command: { type: 'RecoverAllocation', nodeId: recovery.nodeId },
      commandId,
      messageId: `${commandId}:${recovery.allocId}`,
    }));
    const replies = await mapBounded([...stopCommands, ...placeCommands, ...recoverCommands], appendsInFlight, (command) => this.runner.execute(allocationDecider, command));
    const stopped = replies.slice(0, stopCommands.length);
    const placed = replies.slice(stopCommands.length);
    const deploymentCommands = [
      ...check.degrades.map(({ namespace, name, ...degraded }) => ({ namespace, name, command: { type: 'DegradeDeployment' as const, ...degraded } })),
      ...check.restores.map(({ namespace, name }) => ({ namespace, name, command: { type: 'RestoreDeployment' as const } })),
    ];
    const placement = await Promise.all([
      ...check.blocks.map(({ namespace, name, ...blockage }) => {
        const stream = Streams.deployment(namespace, name);
        return this.runner.execute(placementDecider, { stream, command: { type: 'BlockPlacement', ...blockage }, commandId, messageId: `${commandId}:${stream}` });
      }),
      ...check.unblocks.map(({ namespace, name }) => {
        const stream = Streams.deployment(namespace, name);
        return this.runner.execute(placementDecider, { stream, command: { type: 'UnblockPlacement' }, commandId, messageId: `${commandId}:${stream}` });
      }),
    ]);
    for (const { namespace, name, command } of deploymentCommands) {
      const stream = Streams.deployment(namespace, name);
      const degradeId = `${commandId}:health`;
      placement.push(await this.runner.execute(placementDecider, { stream, command, commandId: degradeId, messageId: `${degradeId}:${stream}` }));
    }
    for (const { namespace, name, version, outcome, reason } of check.rolloutEnds) {
      const stream = Streams.deployment(namespace, name);
      const rolloutId = `${commandId}:rollout`;
      const command = outcome === 'completed' ? { type: 'CompleteRollout' as const, version } : { type: 'FailRollout' as const, version, reason: reason ?? 'the scheduler found it failed' };
      placement.push(await this.runner.execute(deploymentDecider, { stream, command, commandId: rolloutId, messageId: `${rolloutId}:${stream}` }));
    }
    const positions = [...placed, ...stopped, ...placement].flatMap((reply) => reply.events.map((event) => event.position));
    return {
      placed: written(placed, 'AllocationPlaced'),
      stopped: written(stopped, 'AllocationStopRequested'),
      position: positions.length > 0 ? Math.max(...positions) : projection.position,
    };
  }
}

function written(replies: CommandAccepted[], type: string): number {
  return replies.filter((reply) => reply.events.some((event) => event.type === type)).length;
}
