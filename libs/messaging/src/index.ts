export { createLogger, type Logger } from './logger.js';
export { defaultNatsUrl, natsServersFromEnv } from './nats.config.js';
export { connectNats, type ConnectNatsOptions } from './nats.connection.js';
export { ErrorBodySchema, RpcReply, encodeJson, errorBodyFromWire, toErrorBody } from './rpc.envelope.js';
export { request, type RequestOptions } from './rpc.client.js';
export { RpcServer, type RpcContext, type RpcHandler, type RpcServerOptions } from './rpc.server.js';
