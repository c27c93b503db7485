import { Inject, Injectable } from '@nestjs/common';
import {
  ContractViolation,
  Streams,
  streamTokenPattern,
  type DescribeAllocation,
  type DescribeDeployment,
  type GetDeployment,
  type GetNode,
  type ListAllocations,
  type ListDeployments,
  type ListNodes,
  type ParsedRequestOf,
  type ReplyOf,
  type StreamHistory,
} from '@plato/contracts';
import { AllocationNotFound, DeploymentNotFound, NodeNotFound, allocationTimeline } from '@plato/domain';
import { EventStore } from '@plato/event-store';
import { Clock } from '../clock/clock.port.js';
import { rolloutViewOf } from '../rollout/rollout.view.js';
import { ClusterReadModel } from './cluster.read-model.js';

/**
 * Answers every query: deployments, nodes, allocations and descriptions from the cluster read model
 * (after it caught up with the log), and stream history from the log itself.
 */
@Injectable()
export class ClusterQueryHandler {
  constructor(
    @Inject(ClusterReadModel) private readonly readModel: ClusterReadModel,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** GetDeployment: one deployment, deleted ones included; NOT_FOUND if it never existed. */
  async getDeployment(query: ParsedRequestOf<typeof GetDeployment>): Promise<ReplyOf<typeof GetDeployment>> {
    const view = (await this.readModel.caughtUp()).deployments.get(query.namespace, query.name);
    if (!view) throw new DeploymentNotFound(query.namespace, query.name);
    return view;
  }

  /** ListDeployments: the live deployments, ordered by namespace and name. */
  async listDeployments(query: ParsedRequestOf<typeof ListDeployments>): Promise<ReplyOf<typeof ListDeployments>> {
    return { items: (await this.readModel.caughtUp()).deployments.list(query.namespace) };
  }

  /**
   * DescribeDeployment: a deployment with every allocation it had, its placement and its latest
   * rollout counted now; NOT_FOUND if it never existed.
   */
  async describeDeployment(query: ParsedRequestOf<typeof DescribeDeployment>): Promise<ReplyOf<typeof DescribeDeployment>> {
    const projection = await this.readModel.caughtUp();
    const description = projection.describe(query.namespace, query.name);
    if (!description) throw new DeploymentNotFound(query.namespace, query.name);
    const rollout = rolloutViewOf(projection, query.namespace, query.name, this.clock.now());
    return rollout ? { ...description, rollout } : description;
  }

  /** ListNodes: every registered node, by id, with what is allocated on it. */
  async listNodes(_query: ParsedRequestOf<typeof ListNodes>): Promise<ReplyOf<typeof ListNodes>> {
    return { items: (await this.readModel.caughtUp()).nodeList() };
  }

  /** GetNode: one registered node; NOT_FOUND if it never registered. */
  async getNode(query: ParsedRequestOf<typeof GetNode>): Promise<ReplyOf<typeof GetNode>> {
    const view = (await this.readModel.caughtUp()).node(query.nodeId);
    if (!view) throw new NodeNotFound(query.nodeId);
    return view;
  }

  /** ListAllocations: allocations filtered by namespace, deployment and node; ended ones only when asked. */
  async listAllocations(query: ParsedRequestOf<typeof ListAllocations>): Promise<ReplyOf<typeof ListAllocations>> {
    return { items: (await this.readModel.caughtUp()).allocationList(query) };
  }

  /**
   * DescribeAllocation: the allocation's view from the projection and its timeline folded from its
   * stream, up to the event the view holds, so both tell the same moment; NOT_FOUND if it was
   * never placed, or not on the node the query names.
   */
  async describeAllocation(query: ParsedRequestOf<typeof DescribeAllocation>): Promise<ReplyOf<typeof DescribeAllocation>> {
    const allocation = (await this.readModel.caughtUp()).allocationView(query.allocId);
    if (!allocation || (query.nodeId !== undefined && allocation.nodeId !== query.nodeId)) throw new AllocationNotFound(query.allocId);
    const events = await this.store.readStream(Streams.allocation(allocation.nodeId, allocation.allocId));
    return { allocation, timeline: allocationTimeline(events.filter((event) => event.position <= allocation.revision)) };
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
