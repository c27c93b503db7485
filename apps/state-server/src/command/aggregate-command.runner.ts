import { Inject, Injectable } from '@nestjs/common';
import type { ApplyDeployment, ReplyOf } from '@plato/contracts';
import { EventStore, WrongExpectedRevision, type RecordedEvent } from '@plato/event-store';
import type { AggregateDecider, DecidedEvent } from './aggregate.decider.js';

/** What every command on one stream replies. */
export type CommandAccepted = ReplyOf<typeof ApplyDeployment>;

/** Metadata key under which every event records the id of the command that wrote it. */
export const commandIdKey = 'commandId';

/** How often a command is decided again when another writer moved the stream meanwhile. */
const maxAttempts = 5;

/** One command on one stream, as {@link AggregateCommandRunner.execute} takes it. */
export interface StreamCommand<C> {
  /** The aggregate instance's stream (built with `Streams.*`). */
  readonly stream: string;
  readonly command: C;
  /** Recorded in every event's metadata; a stream that holds it already answers the retry. */
  readonly commandId: string;
  /**
   * When set, the aggregate's revision — the position of the last event of the decider's own
   * kinds on the stream that count for its revision (`countsForRevision`), 0 when none — must
   * equal it, or WrongExpectedRevision. Events other
   * writers keep on the same stream (a deployment's placement blockage) do not move it, so the
   * revision a client read from a view stays valid until the aggregate itself changes.
   */
  readonly ifRevision?: number;
  /**
   * The append's idempotency key (default: the command id). JetStream deduplicates message ids
   * across the whole log, so a command writing several streams passes one per stream.
   */
  readonly messageId?: string;
  /**
   * Events that, appended by another writer between this command's read and its append, make it
   * a conflict (WrongExpectedRevision, HTTP 409) instead of being decided again: a user's change
   * must never land silently on top of another user's change it did not see. Other concurrent
   * events (a scheduler's bookkeeping) still lead to deciding again.
   */
  readonly conflictsWith?: (event: RecordedEvent) => boolean;
  /**
   * The caller saw no event on the stream in a read model caught up with the log (a placement the
   * plan checker found new): the first attempt decides on the initial state and appends expecting
   * `no_stream` without reading the stream. If the stream exists after all, the append is refused
   * and the command is loaded and decided as usual.
   */
  readonly knownEmpty?: boolean;
}

/**
 * The one command pattern of the state-server, for every aggregate: load the stream, fold it with
 * `evolve`, `decide`, append with the loaded revision as expected revision and the message id,
 * every event carrying the command id in its metadata, and reply what was written.
 *
 * - A command whose id the stream already holds (a retry) is not decided again: the reply names
 *   the events it wrote the first time, whenever that was.
 * - `ifRevision` must equal the aggregate's revision, or the command fails with WrongExpectedRevision;
 *   if the aggregate changes between the check and the append, that is a WrongExpectedRevision too.
 * - Without `ifRevision`, a concurrent writer's append makes it decide again on the new state
 *   (up to 5 times) — unless that append holds an event `conflictsWith` names: then it is a
 *   WrongExpectedRevision naming the revision it read and the one it found.
 * - With `knownEmpty`, the first attempt skips the read (one round trip less); a stream that is not
 *   empty after all refuses the append, and the command is decided again on what it holds.
 * - Errors the decider throws (tagged PlatoErrors) reach the caller unchanged.
 */
@Injectable()
export class AggregateCommandRunner {
  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  /** Executes one command on one stream through `decider`. */
  async execute<S, C, E extends DecidedEvent>(decider: AggregateDecider<S, C, E>, request: StreamCommand<C>): Promise<CommandAccepted> {
    const { stream, commandId, ifRevision } = request;
    const countsForRevision = (event: RecordedEvent): boolean => decider.isEvent(event) && (decider.countsForRevision ?? decider.isEvent)(event);
    for (let attempt = 1; ; attempt++) {
      const recorded = attempt === 1 && request.knownEmpty ? [] : await this.store.readStream(stream);
      const revision = recorded.at(-1)?.position ?? 0;
      const earlier = recorded.filter((event) => event.metadata[commandIdKey] === commandId);
      if (earlier.length > 0) return accepted(stream, earlier.at(-1)!.position, earlier);
      let state = decider.initialState;
      let ownRevision = 0;
      for (const event of recorded) {
        if (!decider.isEvent(event)) continue;
        state = decider.evolve(state, event);
        if (countsForRevision(event)) ownRevision = event.position;
      }
      if (ifRevision !== undefined && ifRevision !== ownRevision) throw new WrongExpectedRevision(stream, ifRevision, ownRevision);
      const events = decider.decide(state, request.command);
      if (events.length === 0) return { stream, revision, events: [] };
      try {
        const result = await this.store.append(
          stream,
          events.map((event) => ({ type: event.type, data: event.data, metadata: { [commandIdKey]: commandId } })),
          { expectedRevision: revision === 0 ? 'no_stream' : revision, messageId: request.messageId ?? commandId },
        );
        return {
          stream,
          revision: result.nextExpectedRevision,
          events: events.map((event) => ({ type: event.type, position: result.position })),
        };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevision) || attempt >= maxAttempts) throw error;
        const conflicts = ifRevision !== undefined ? countsForRevision : request.conflictsWith;
        if (conflicts) {
          const since = await this.store.readStream(stream, { fromRevision: revision });
          const conflicting = since.filter(conflicts);
          if (conflicting.length > 0) throw new WrongExpectedRevision(stream, ifRevision ?? ownRevision, conflicting.at(-1)!.position);
        }
      }
    }
  }
}

function accepted(stream: string, revision: number, events: RecordedEvent[]): CommandAccepted {
  return { stream, revision, events: events.map((event) => ({ type: event.type, position: event.position })) };
}
