import { createHash } from 'node:crypto';
import type { AllocationPlacement } from '@plato/domain';
import type { ContainerInfo, ContainerSpec } from '@plato/runtime';

/** The labels the agent puts on every container it makes, and finds them by. */
export const ContainerLabels = {
  /** The allocation id. */
  alloc: 'plato.alloc',
  /** `<namespace>/<deployment>`. */
  deployment: 'plato.deployment',
  /** The node id of the agent that made it. */
  node: 'plato.node',
  /** The deployment version the allocation was placed with. */
  version: 'plato.version',
} as const;

const maxNameLength = 63;

/**
 * The container name of an allocation: `plato-<allocId>`, deterministic so that a restarted agent
 * finds what it made. An id too long for a 63-character name keeps its head and gets a hash of the
 * whole id.
 */
export function containerNameOf(allocId: string): string {
  const name = `plato-${allocId}`;
  if (name.length <= maxNameLength) return name;
  const hash = createHash('sha256').update(allocId).digest('hex').slice(0, 12);
  return `plato-${allocId.slice(0, maxNameLength - 'plato-'.length - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/** The labels of an allocation's container. */
export function containerLabelsOf(nodeId: string, allocId: string, placement: AllocationPlacement): Record<string, string> {
  return {
    [ContainerLabels.alloc]: allocId,
    [ContainerLabels.deployment]: `${placement.namespace}/${placement.deployment}`,
    [ContainerLabels.node]: nodeId,
    [ContainerLabels.version]: String(placement.version),
  };
}

/**
 * What the runtime creates for an allocation: the spec's image, command, args and env; its
 * resources as hard limits; its ports published on their (loopback) host address, on a port the
 * engine picks when none is given; and the allocation's labels. The engine's restart policy stays
 * `no`: the agent restarts containers itself, by the spec's policy, and reports each exit.
 */
export function containerSpecOf(nodeId: string, allocId: string, placement: AllocationPlacement): ContainerSpec {
  const spec = placement.spec;
  return {
    name: containerNameOf(allocId),
    image: spec.image,
    ...(spec.command ? { command: spec.command } : {}),
    ...(spec.args ? { args: spec.args } : {}),
    env: spec.env,
    labels: containerLabelsOf(nodeId, allocId, placement),
    resources: { cpuMillis: spec.resources.cpu, memoryMiB: spec.resources.memory },
    ports: spec.ports.map((port) => ({
      container: port.container,
      ...(port.host !== undefined ? { host: port.host } : {}),
      hostIp: port.hostIp,
      protocol: port.protocol,
    })),
    restart: 'no',
  };
}

/**
 * True when an existing container is the one the allocation asks for (same allocation, node,
 * version and image), so the agent adopts it rather than replacing it.
 */
export function matchesAllocation(info: Pick<ContainerInfo, 'image' | 'labels'>, spec: ContainerSpec): boolean {
  const labels = spec.labels ?? {};
  return (
    info.image === spec.image &&
    [ContainerLabels.alloc, ContainerLabels.node, ContainerLabels.version].every((key) => info.labels[key] === labels[key])
  );
}

/**
 * A report's command id unique to one observation: the allocation, what was seen, the container
 * and the time it happened (its start, its exit, the probe that changed its health). The reporter
 * and the state-server drop a second report under the same id, so an id must never be reused
 * for a later observation.
 */
export function observationId(allocId: string, kind: string, containerId: string, at: Date | null): string {
  return `${allocId}:${kind}:${containerId.slice(0, 12)}:${at?.getTime() ?? 0}`;
}
