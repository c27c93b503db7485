import { Controller, Inject } from '@nestjs/common';
import { ErrorCode, PlatoError } from '@plato/contracts';
import { ControlPlaneClient } from '../control-plane.client.js';
import { ApiRoute } from '../openapi/api-route.decorator.js';

/** `GET /healthz`: 200 while the gateway's NATS connection is open, 503 once it has closed. */
@Controller()
export class HealthController {
  constructor(@Inject(ControlPlaneClient) private readonly controlPlane: ControlPlaneClient) {}

  @ApiRoute('GET', 'healthz', {
    operationId: 'health',
    summary: 'Liveness of the gateway and its NATS connection',
    tag: 'operations',
    response: { component: 'Health', description: 'The gateway serves and its NATS connection is open.' },
    errors: [503],
  })
  health() {
    if (!this.controlPlane.isConnected()) throw new PlatoError(ErrorCode.Unavailable, 'the NATS connection is closed');
    return { status: 'ok', nats: 'connected' };
  }
}
