import { Inject, Injectable } from '@nestjs/common';
import { Streams, type ReplyOf, type ApplyDeployment, type DeleteDeployment, type ParsedRequestOf, type ScaleDeployment } from '@plato/contracts';
import { decide, isDeploymentEvent, replay, type DeploymentCommand } from '@plato/domain';
import { EventStore, WrongExpectedRevision, type RecordedEvent } from '@plato/event-store';

/** What every deployment command replies. */
export type CommandAccepted = ReplyOf<typeof ApplyDeployment>;

/** Metadata key under which every event records the id of the command that wrote it. */
export const commandIdKey = 'commandId';

/** How often a command is decided again when another writer moved the stream meanwhile. */
const maxAttempts = 5;

/**
 * Executes deployment commands: load the stream, fold it with `evolve`, `decide`, append with the
 * loaded revision as expected revision and the command id as message id, reply `CommandAccepted`.
 *
 * - A command whose id the stream already holds (a retry) is not decided again: the reply names
 *   the events it wrote the first time, whenever that was.
 * - `ifRevision` must equal the stream's revision, or the command fails with WrongExpectedRevision.
 * - Without `ifRevision`, a concurrent writer's append makes this one decide again on the new state.
 */
@Injectable()
export class DeploymentCommandHandler {
  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  /** ApplyDeployment: create, change, or recreate a deployment from its spec. */
  apply(command: ParsedRequestOf<typeof ApplyDeployment>): Promise<CommandAccepted> {
    const stream = Streams.deployment(command.spec.namespace, command.spec.name);
    return this.execute(stream, { type: 'ApplyDeployment', ...command });
  }

  /** ScaleDeployment: change a live deployment's replica count. */
  scale(command: ParsedRequestOf<typeof ScaleDeployment>): Promise<CommandAccepted> {
    return this.execute(Streams.deployment(command.namespace, command.name), { type: 'ScaleDeployment', ...command });
  }

  /** DeleteDeployment: delete a live deployment. */
  delete(command: ParsedRequestOf<typeof DeleteDeployment>): Promise<CommandAccepted> {
    return this.execute(Streams.deployment(command.namespace, command.name), { type: 'DeleteDeployment', ...command });
  }

  private async execute(stream: string, command: DeploymentCommand): Promise<CommandAccepted> {
    for (let attempt = 1; ; attempt++) {
      const recorded = await this.store.readStream(stream);
      const revision = recorded.at(-1)?.position ?? 0;
      const earlier = recorded.filter((event) => event.metadata[commandIdKey] === command.commandId);
      if (earlier.length > 0) return accepted(stream, earlier.at(-1)!.position, earlier);
      if (command.ifRevision !== undefined && command.ifRevision !== revision) {
        throw new WrongExpectedRevision(stream, command.ifRevision, revision);
      }
      const events = decide(replay(recorded.flatMap((event) => (isDeploymentEvent(event) ? [event] : []))), command);
      if (events.length === 0) return { stream, revision, events: [] };
      try {
        const result = await this.store.append(
          stream,
          events.map((event) => ({ ...event, metadata: { [commandIdKey]: command.commandId } })),
          { expectedRevision: revision === 0 ? 'no_stream' : revision, messageId: command.commandId },
        );
        return {
          stream,
          revision: result.nextExpectedRevision,
          events: events.map((event) => ({ type: event.type, position: result.position })),
        };
      } catch (error) {
        if (error instanceof WrongExpectedRevision && command.ifRevision === undefined && attempt < maxAttempts) continue;
        throw error;
      }
    }
  }
}

function accepted(stream: string, revision: number, events: RecordedEvent[]): CommandAccepted {
  return { stream, revision, events: events.map((event) => ({ type: event.type, position: event.position })) };
}
