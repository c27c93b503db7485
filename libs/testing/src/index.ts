export { eventually, delay, type EventuallyOptions } from './eventually.js';
export { freePort } from './free-port.js';
export { NatsServerProcess, type NatsServerOptions } from './nats-server.process.js';
export { newRunId } from './run-id.js';
export { ServiceProcess, appMain, repoRoot, type ServiceExit, type ServiceLogLine } from './service.process.js';
export { LxdDaemonControl, lxdSocketPath } from './lxd-daemon.control.js';
export { endsServing, servingBetween, servingChangeOf, type ServingChange } from './serving.replay.js';
