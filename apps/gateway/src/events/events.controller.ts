import { Controller, Headers, Inject, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { ApiRoute } from '../openapi/api-route.decorator.js';
import { EventStreamQuery } from '../openapi/http.schemas.js';
import { EventStreamService } from './event-stream.service.js';

/** The live event stream route; it delegates to {@link EventStreamService}. */
@Controller()
export class EventsController {
  constructor(@Inject(EventStreamService) private readonly events: EventStreamService) {}

  @ApiRoute('GET', 'v1/events', {
    operationId: 'streamEvents',
    summary: 'The live event log as server-sent events',
    description:
      'Each event is `id: <position>:<index>`, `event: <type>`, `data: <LiveEvent JSON>`. Resume with `Last-Event-ID` (or `?from=<position>`): ' +
      'every event after that position arrives once, in order. Without either, the stream starts at the end of the log. ' +
      '`?stream=<name>` keeps that stream and the streams under it (`deployment.default` → every deployment of `default`).',
    tag: 'events',
    query: EventStreamQuery,
    headers: { 'Last-Event-ID': { schema: z.string().regex(/^\d+(:\d+)?$/), description: 'Resume after this event, `<position>:<index>` (sent by EventSource on reconnect), or after a whole position.' } },
    response: { component: 'LiveEvent', mediaType: 'text/event-stream', description: 'A stream of events; the schema is that of each `data:` line.' },
    errors: [400, 503],
  })
  stream(@Req() request: Request, @Res() response: Response, @Query() query: unknown, @Headers('last-event-id') lastEventId: string | undefined) {
    return this.events.stream(request, response, query, lastEventId);
  }
}
