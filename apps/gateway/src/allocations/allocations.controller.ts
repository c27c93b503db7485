import { Controller, Inject, Param, Query } from '@nestjs/common';
import { AllocationId } from '@plato/contracts';
import { ApiRoute } from '../openapi/api-route.decorator.js';
import { AllocationListQuery } from '../openapi/http.schemas.js';
import { AllocationsService } from './allocations.service.js';

/** Allocation routes; each delegates to {@link AllocationsService}. */
@Controller()
export class AllocationsController {
  constructor(@Inject(AllocationsService) private readonly allocations: AllocationsService) {}

  @ApiRoute('GET', 'v1/allocations', {
    operationId: 'listAllocations',
    summary: 'List allocations with their status and stop reason',
    description: 'Live allocations by default; `all=true` adds the terminal ones (complete, failed, lost).',
    tag: 'allocations',
    query: AllocationListQuery,
    response: { component: 'AllocationList', description: 'The allocations: desired and observed status, stop reason, exit code, failure.' },
    errors: [400, 503],
  })
  list(@Query() query: unknown) {
    return this.allocations.list(query);
  }

  @ApiRoute('GET', 'v1/allocations/:id', {
    operationId: 'describeAllocation',
    summary: 'Describe one allocation with its timeline',
    description: 'Ended allocations too. The timeline lists each state it went through (placed, pulling, starting, running, healthy, unhealthy, stopping, stopped, exited, failed, lost, unknown) with its time, log position, event and reason.',
    tag: 'allocations',
    params: { id: AllocationId },
    response: { component: 'AllocationDescription', description: 'The allocation and its timeline, oldest first.' },
    errors: [400, 404, 503],
  })
  describe(@Param('id') allocId: string) {
    return this.allocations.describe(allocId);
  }
}
