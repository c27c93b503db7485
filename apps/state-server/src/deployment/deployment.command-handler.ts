import { Inject, Injectable } from '@nestjs/common';
import { isDeploymentEvent } from '@plato/domain';
import { Streams, type ApplyDeployment, type DeleteDeployment, type ParsedRequestOf, type ScaleDeployment } from '@plato/contracts';
import { AggregateCommandRunner, type CommandAccepted } from '../command/aggregate-command.runner.js';
import { deploymentDecider } from '../command/aggregate.decider.js';

/**
 * Executes deployment commands through the {@link AggregateCommandRunner}. A user's change that
 * raced with another user's change to the same deployment is refused (WrongExpectedRevision), so
 * of two concurrent applies one wins and the other gets a conflict; the scheduler's placement
 * events on the same stream only make the command decide again.
 */
@Injectable()
export class DeploymentCommandHandler {
  constructor(@Inject(AggregateCommandRunner) private readonly runner: AggregateCommandRunner) {}

  /** ApplyDeployment: create, change, or recreate a deployment from its spec. */
  apply(command: ParsedRequestOf<typeof ApplyDeployment>): Promise<CommandAccepted> {
    const stream = Streams.deployment(command.spec.namespace, command.spec.name);
    const { commandId, ifRevision } = command;
    return this.runner.execute(deploymentDecider, { stream, command: { type: 'ApplyDeployment', ...command }, commandId, ifRevision, conflictsWith: isDeploymentEvent });
  }

  /** ScaleDeployment: change a live deployment's replica count. */
  scale(command: ParsedRequestOf<typeof ScaleDeployment>): Promise<CommandAccepted> {
    const stream = Streams.deployment(command.namespace, command.name);
    const { commandId, ifRevision } = command;
    return this.runner.execute(deploymentDecider, { stream, command: { type: 'ScaleDeployment', ...command }, commandId, ifRevision, conflictsWith: isDeploymentEvent });
  }

  /** DeleteDeployment: delete a live deployment. */
  delete(command: ParsedRequestOf<typeof DeleteDeployment>): Promise<CommandAccepted> {
    const stream = Streams.deployment(command.namespace, command.name);
    const { commandId, ifRevision } = command;
    return this.runner.execute(deploymentDecider, { stream, command: { type: 'DeleteDeployment', ...command }, commandId, ifRevision, conflictsWith: isDeploymentEvent });
  }
}

