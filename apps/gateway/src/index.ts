export { startGateway, type RunningGateway, type StartGatewayOptions } from './gateway.bootstrap.js';
export { gatewayConfigFromEnv, defaultGatewayPort, type GatewayConfig } from './gateway.config.js';
export { GatewayModule, gatewayControllers, gatewayOpenApiDocument, type GatewayDependencies } from './gateway.module.js';
export { ControlPlaneClient } from './control-plane.client.js';
export { EventStreamSettings } from './events/event-stream.service.js';
export { toHttpError, httpStatusOfCode, type HttpError } from './http/http-error.mapper.js';
