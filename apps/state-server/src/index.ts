export { startStateServer, type RunningStateServer, type StartStateServerOptions } from './state-server.bootstrap.js';
export { StateServerModule, type StateServerDependencies } from './state-server.module.js';
