import { Inject, Injectable } from '@nestjs/common';
import { DescribeAllocation, ListAllocations, parseOrThrow, type ReplyOf } from '@plato/contracts';
import { ControlPlaneClient } from '../control-plane.client.js';
import { AllocationListQuery } from '../openapi/http.schemas.js';

/** Turns `GET /v1/allocations` into the ListAllocations query, and `GET /v1/allocations/{id}` into DescribeAllocation. */
@Injectable()
export class AllocationsService {
  constructor(@Inject(ControlPlaneClient) private readonly controlPlane: ControlPlaneClient) {}

  /** Allocations by namespace, deployment and node; terminal ones too when `all=true`. */
  list(query: unknown): Promise<ReplyOf<typeof ListAllocations>> {
    const { namespace, deployment, node, all } = parseOrThrow(AllocationListQuery, query, 'query');
    return this.controlPlane.send(ListAllocations, { namespace, deployment, nodeId: node, includeTerminal: all === 'true' });
  }

  /** One allocation, ended ones included, with its timeline. */
  describe(allocId: string): Promise<ReplyOf<typeof DescribeAllocation>> {
    return this.controlPlane.send(DescribeAllocation, { allocId });
  }
}
