import { Controller, Inject, Param } from '@nestjs/common';
import { z } from 'zod';
import { ApiRoute } from '../openapi/api-route.decorator.js';
import { HistoryKind } from '../openapi/http.schemas.js';
import { HistoryService } from './history.service.js';

/** The history route; it delegates to {@link HistoryService}. */
@Controller()
export class HistoryController {
  constructor(@Inject(HistoryService) private readonly histories: HistoryService) {}

  @ApiRoute('GET', 'v1/history/:kind/*id', {
    operationId: 'streamHistory',
    summary: 'The event history of a deployment, node or allocation',
    description: 'The id spans path segments: `deployment/<namespace>/<name>`, `node/<nodeId>`, `alloc/<nodeId>/<allocId>`.',
    tag: 'history',
    params: { kind: HistoryKind, id: z.string().describe('`<namespace>/<name>`, `<nodeId>` or `<nodeId>/<allocId>`') },
    response: { component: 'StreamHistory', description: 'The stream name and its events in order.' },
    errors: [400, 503],
  })
  history(@Param('kind') kind: string, @Param('id') id: string | string[]) {
    return this.histories.history(kind, id);
  }
}
