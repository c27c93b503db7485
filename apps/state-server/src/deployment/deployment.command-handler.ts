import { Inject, Injectable } from '@nestjs/common';
import {
  Streams,
  type ApplyDeployment,
  type DeleteDeployment,
  type ParsedRequestOf,
  type PauseRollout,
  type PromoteRollout,
  type ResumeRollout,
  type ScaleDeployment,
  type UndoRollout,
} from '@plato/contracts';
import { RolloutConflict, isDeploymentSpecEvent } from '@plato/domain';
import { AggregateCommandRunner, type CommandAccepted } from '../command/aggregate-command.runner.js';
import { deploymentDecider } from '../command/aggregate.decider.js';
import { Clock } from '../clock/clock.port.js';
import { ClusterReadModel } from '../cluster/cluster.read-model.js';
import { rolloutViewOf } from '../rollout/rollout.view.js';

/**
 * Executes deployment commands through the {@link AggregateCommandRunner}. A user's change that
 * raced with another user's change to the same deployment's spec is refused (WrongExpectedRevision),
 * so of two concurrent applies one wins and the other gets a conflict; the scheduler's events on
 * the same stream (placement, rollout progress) only make the command decide again.
 */
@Injectable()
export class DeploymentCommandHandler {
  constructor(
    @Inject(AggregateCommandRunner) private readonly runner: AggregateCommandRunner,
    @Inject(ClusterReadModel) private readonly readModel: ClusterReadModel,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** ApplyDeployment: create, change, or recreate a deployment from its spec (a new version starts a rollout when the spec has `update`). */
  apply(command: ParsedRequestOf<typeof ApplyDeployment>): Promise<CommandAccepted> {
    const stream = Streams.deployment(command.spec.namespace, command.spec.name);
    const { commandId, ifRevision } = command;
    return this.runner.execute(deploymentDecider, { stream, command: { type: 'ApplyDeployment', ...command }, commandId, ifRevision, conflictsWith: isDeploymentSpecEvent });
  }

  /** ScaleDeployment: change a live deployment's replica count. */
  scale(command: ParsedRequestOf<typeof ScaleDeployment>): Promise<CommandAccepted> {
    const stream = Streams.deployment(command.namespace, command.name);
    const { commandId, ifRevision } = command;
    return this.runner.execute(deploymentDecider, { stream, command: { type: 'ScaleDeployment', ...command }, commandId, ifRevision, conflictsWith: isDeploymentSpecEvent });
  }

  /** DeleteDeployment: delete a live deployment. */
  delete(command: ParsedRequestOf<typeof DeleteDeployment>): Promise<CommandAccepted> {
    const stream = Streams.deployment(command.namespace, command.name);
    const { commandId, ifRevision } = command;
    return this.runner.execute(deploymentDecider, { stream, command: { type: 'DeleteDeployment', ...command }, commandId, ifRevision, conflictsWith: isDeploymentSpecEvent });
  }

  /** PauseRollout: stop replacing replicas of the deployment's rollout in progress. */
  pause(command: ParsedRequestOf<typeof PauseRollout>): Promise<CommandAccepted> {
    return this.runner.execute(deploymentDecider, { stream: Streams.deployment(command.namespace, command.name), command: { type: 'PauseRollout', ...command }, commandId: command.commandId });
  }

  /** ResumeRollout: go on with the deployment's paused rollout. */
  resume(command: ParsedRequestOf<typeof ResumeRollout>): Promise<CommandAccepted> {
    return this.runner.execute(deploymentDecider, { stream: Streams.deployment(command.namespace, command.name), command: { type: 'ResumeRollout', ...command }, commandId: command.commandId });
  }

  /**
   * PromoteRollout: let the rollout replace the remaining replicas once its canaries serve. Refused
   * (CONFLICT) while a canary has not proven healthy, naming how many have, as Nomad refuses to
   * promote unhealthy canaries.
   */
  async promote(command: ParsedRequestOf<typeof PromoteRollout>): Promise<CommandAccepted> {
    const view = rolloutViewOf(await this.readModel.caughtUp(), command.namespace, command.name, this.clock.now());
    if (view?.status === 'awaiting-promotion') {
      const canaries = Math.min(view.canary, view.desired);
      if (view.healthy < canaries) {
        throw new RolloutConflict(command.namespace, command.name, `${view.healthy} of ${canaries} canaries of version ${view.version} proved healthy; promote once they all serve`);
      }
    }
    return this.runner.execute(deploymentDecider, { stream: Streams.deployment(command.namespace, command.name), command: { type: 'PromoteRollout', ...command }, commandId: command.commandId });
  }

  /** UndoRollout: bring an earlier version's spec back as a new version (a rollout of its own when it has `update`). */
  undo(command: ParsedRequestOf<typeof UndoRollout>): Promise<CommandAccepted> {
    const stream = Streams.deployment(command.namespace, command.name);
    const { commandId, ifRevision } = command;
    return this.runner.execute(deploymentDecider, { stream, command: { type: 'UndoRollout', ...command }, commandId, ifRevision, conflictsWith: isDeploymentSpecEvent });
  }
}
