export { startStateServer, type RunningStateServer, type StartStateServerOptions } from './state-server.bootstrap.js';
export { StateServerModule, type StateServerDependencies } from './state-server.module.js';
export { Clock, SystemClock } from './clock/clock.port.js';
export { StateServerConfig, defaultNodeTimeoutMs } from './config/state-server.config.js';
export { checkPlan, type PlanCheck, type PlanRefusalReason } from './plan/plan.checker.js';
