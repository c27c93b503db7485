import { DeploymentSpec, type DeploymentSpecInput } from '@plato/contracts';
import type { AllocationInfo, DeploymentInfo, NodeInfo } from '../cluster-snapshot.types.js';

/** A ready, uncordoned node offering both runtimes, 4 cores and 8 GiB; override what a test needs. */
export function mockNode(overrides: Partial<NodeInfo> = {}): NodeInfo {
  return {
    id: 'node-1',
    state: 'ready',
    cordoned: false,
    labels: {},
    runtimes: ['docker', 'lxd'],
    capacity: { cpu: 4000, memory: 8192 },
    ...overrides,
  };
}

/** What a test may override of a deployment: its record fields and any spec field. */
export interface MockDeploymentOverrides extends Partial<Omit<DeploymentInfo, 'spec'>> {
  readonly spec?: Partial<DeploymentSpecInput>;
}

/**
 * Version 1 of the live deployment `default/web`: 1 replica of 100 millicores and 64 MiB on
 * docker, bin-packed. The spec goes through the contract, so defaults are filled as in the log.
 */
export function mockDeployment(overrides: MockDeploymentOverrides = {}): DeploymentInfo {
  const { spec, ...record } = overrides;
  const namespace = record.namespace ?? 'default';
  const name = record.name ?? 'web';
  return {
    namespace,
    name,
    version: 1,
    deleted: false,
    ...record,
    spec: DeploymentSpec.parse({ image: 'plato/busybox:latest', ...spec, name, namespace }),
  };
}

/** A running allocation of `default/web` version 1, slot 0, on `node-1`, sized as mockDeployment's. */
export function mockAllocation(overrides: Partial<AllocationInfo> = {}): AllocationInfo {
  return {
    id: 'alloc-1',
    nodeId: 'node-1',
    namespace: 'default',
    deployment: 'web',
    version: 1,
    index: 0,
    resources: { cpu: 100, memory: 64 },
    desired: 'run',
    status: 'running',
    ...overrides,
  };
}

/** A running allocation of `deployment` (its version and resources) in `slot` on `nodeId`. */
export function allocationOf(deployment: DeploymentInfo, nodeId: string, slot: number, overrides: Partial<AllocationInfo> = {}): AllocationInfo {
  return mockAllocation({
    id: `${deployment.namespace}-${deployment.name}-v${deployment.version}-${slot}`,
    nodeId,
    namespace: deployment.namespace,
    deployment: deployment.name,
    version: deployment.version,
    index: slot,
    resources: deployment.spec.resources,
    ...overrides,
  });
}
