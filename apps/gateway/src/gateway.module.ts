import { Module, type DynamicModule } from '@nestjs/common';
import { EventStore } from '@plato/event-store';
import { AllocationsController } from './allocations/allocations.controller.js';
import { AllocationsService } from './allocations/allocations.service.js';
import { ControlPlaneClient } from './control-plane.client.js';
import { DeploymentsController } from './deployments/deployments.controller.js';
import { DeploymentsService } from './deployments/deployments.service.js';
import { EventStreamService, EventStreamSettings } from './events/event-stream.service.js';
import { EventsController } from './events/events.controller.js';
import { HealthController } from './health/health.controller.js';
import { HistoryController } from './history/history.controller.js';
import { HistoryService } from './history/history.service.js';
import { NodesController } from './nodes/nodes.controller.js';
import { NodesService } from './nodes/nodes.service.js';
import { apiRoutesOf } from './openapi/api-route.decorator.js';
import { OpenApiController, OpenApiDocument } from './openapi/openapi.controller.js';
import { buildOpenApiDocument } from './openapi/openapi.document.js';

/** What the gateway runs on; main.ts builds them from the environment, tests choose their own. */
export interface GatewayDependencies {
  /** Sends commands and queries to the state-server. */
  controlPlane: ControlPlaneClient;
  /** The event log, read for the live event stream (the gateway never appends). */
  eventStore: EventStore;
  /** Keep-alive and retry of the live event stream. */
  eventStream?: EventStreamSettings;
}

/** Every controller of the gateway: its routes, and the routes its OpenAPI document lists. */
export const gatewayControllers = [
  DeploymentsController,
  NodesController,
  AllocationsController,
  HistoryController,
  EventsController,
  HealthController,
  OpenApiController,
];

/** The gateway's OpenAPI document, built from the routes of {@link gatewayControllers}. */
export function gatewayOpenApiDocument(): Record<string, unknown> {
  return buildOpenApiDocument(gatewayControllers.flatMap(apiRoutesOf), {
    title: 'Plato gateway',
    version: '1',
    description: "REST API of Plato's control plane. Errors are `{code, message, details}`; see the README of apps/gateway for the mapping.",
  });
}

/** The REST gateway: deployments, nodes, allocations, history, the live event stream, OpenAPI. */
@Module({})
export class GatewayModule {
  /** The module bound to its dependencies. */
  static forRoot(dependencies: GatewayDependencies): DynamicModule {
    return {
      module: GatewayModule,
      controllers: gatewayControllers,
      providers: [
        { provide: ControlPlaneClient, useValue: dependencies.controlPlane },
        { provide: EventStore, useValue: dependencies.eventStore },
        { provide: EventStreamSettings, useValue: dependencies.eventStream ?? new EventStreamSettings() },
        { provide: OpenApiDocument, useFactory: () => new OpenApiDocument(gatewayOpenApiDocument()) },
        DeploymentsService,
        NodesService,
        AllocationsService,
        HistoryService,
        EventStreamService,
      ],
    };
  }
}
