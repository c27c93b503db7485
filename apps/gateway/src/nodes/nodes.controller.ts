import { Controller, Headers, Inject, Param, Query } from '@nestjs/common';
import { NodeId } from '@plato/contracts';
import { idempotencyKeyHeader, idempotencyKeyParameter } from '../http/command-id.js';
import { ApiRoute } from '../openapi/api-route.decorator.js';
import { DrainQuery } from '../openapi/http.schemas.js';
import { NodesService } from './nodes.service.js';

const nodeParams = { id: NodeId };

/** Node routes; each delegates to {@link NodesService}. */
@Controller()
export class NodesController {
  constructor(@Inject(NodesService) private readonly nodes: NodesService) {}

  @ApiRoute('GET', 'v1/nodes', {
    operationId: 'listNodes',
    summary: 'List nodes',
    tag: 'nodes',
    response: { component: 'NodeList', description: 'Every node with its state, capacity and allocated resources.' },
    errors: [503],
  })
  list() {
    return this.nodes.list();
  }

  @ApiRoute('GET', 'v1/nodes/:id', {
    operationId: 'getNode',
    summary: 'Read one node',
    tag: 'nodes',
    params: nodeParams,
    response: { component: 'NodeView', description: 'The node.' },
    errors: [400, 404, 503],
  })
  get(@Param('id') nodeId: string) {
    return this.nodes.get(nodeId);
  }

  @ApiRoute('POST', 'v1/nodes/:id/cordon', {
    operationId: 'cordonNode',
    summary: 'Take a node out of scheduling',
    tag: 'nodes',
    params: nodeParams,
    headers: idempotencyKeyParameter,
    response: { component: 'CommandAccepted', description: 'The `NodeCordoned` event, or none if it was cordoned already.' },
    errors: [400, 404, 409, 503],
  })
  cordon(@Param('id') nodeId: string, @Headers(idempotencyKeyHeader) key: string | undefined) {
    return this.nodes.cordon(nodeId, key);
  }

  @ApiRoute('POST', 'v1/nodes/:id/drain', {
    operationId: 'drainNode',
    summary: 'Cordon a node and move its allocations elsewhere',
    description: 'Each deployment keeps at most `migrate.max_parallel` replicas not serving; after `deadline`, what is left is stopped. `NodeDrained` follows once the node is empty.',
    tag: 'nodes',
    params: nodeParams,
    query: DrainQuery,
    headers: idempotencyKeyParameter,
    response: { component: 'CommandAccepted', description: '`NodeCordoned` (if it was not) and `NodeDrainStarted`, or none if it drains with that deadline already.' },
    errors: [400, 404, 409, 503],
  })
  drain(@Param('id') nodeId: string, @Query() query: unknown, @Headers(idempotencyKeyHeader) key: string | undefined) {
    return this.nodes.drain(nodeId, query, key);
  }

  @ApiRoute('POST', 'v1/nodes/:id/uncordon', {
    operationId: 'uncordonNode',
    summary: 'Return a node to scheduling',
    tag: 'nodes',
    params: nodeParams,
    headers: idempotencyKeyParameter,
    response: { component: 'CommandAccepted', description: 'The `NodeUncordoned` event, or none if it was not cordoned.' },
    errors: [400, 404, 409, 503],
  })
  uncordon(@Param('id') nodeId: string, @Headers(idempotencyKeyHeader) key: string | undefined) {
    return this.nodes.uncordon(nodeId, key);
  }
}
