import { Inject, Injectable } from '@nestjs/common';
import {
  ContractViolation,
  streamTokenPattern,
  type GetDeployment,
  type ListDeployments,
  type ParsedRequestOf,
  type ReplyOf,
  type StreamHistory,
} from '@plato/contracts';
import { DeploymentNotFound } from '@plato/domain';
import { EventStore } from '@plato/event-store';
import { DeploymentsReadModel } from './deployments.read-model.js';

/** Answers deployment queries from the read model, and stream history from the log itself. */
@Injectable()
export class DeploymentQueryHandler {
  constructor(
    @Inject(DeploymentsReadModel) private readonly readModel: DeploymentsReadModel,
    @Inject(EventStore) private readonly store: EventStore,
  ) {}

  /** GetDeployment: one deployment, deleted ones included; NOT_FOUND if it never existed. */
  async get(query: ParsedRequestOf<typeof GetDeployment>): Promise<ReplyOf<typeof GetDeployment>> {
    const view = await this.readModel.get(query.namespace, query.name);
    if (!view) throw new DeploymentNotFound(query.namespace, query.name);
    return view;
  }

  /** ListDeployments: the live deployments, ordered by namespace and name. */
  async list(query: ParsedRequestOf<typeof ListDeployments>): Promise<ReplyOf<typeof ListDeployments>> {
    return { items: await this.readModel.list(query.namespace) };
  }

  /** StreamHistory: every event of one stream, in order (an unknown stream has none). */
  async history(query: ParsedRequestOf<typeof StreamHistory>, subject: string): Promise<ReplyOf<typeof StreamHistory>> {
    if (!query.stream.split('.').every((token) => streamTokenPattern.test(token))) {
      throw new ContractViolation(subject, [{ path: 'stream', message: "must be tokens of letters, digits, '_' or '-' joined by '.'" }]);
    }
    const events = await this.store.readStream(query.stream);
    return {
      stream: query.stream,
      events: events.map((event) => ({
        position: event.position,
        type: event.type,
        version: event.version,
        created: event.created.toISOString(),
        data: event.data,
      })),
    };
  }
}
