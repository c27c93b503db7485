export * from './container-runtime.port.js';
export * from './runtime.errors.js';
export { normalizeSpec, isLoopbackAddress, DefaultHostIp, type NormalizedSpec, type NormalizedPort } from './container-spec.rules.js';
export { DockerRuntime, type DockerRuntimeOptions } from './docker.runtime.js';
export { LxdRuntime, type LxdRuntimeOptions, type ImportedImage } from './lxd.runtime.js';
export { LxdClient, LxdApiError, type LxdClientOptions } from './lxd.client.js';
