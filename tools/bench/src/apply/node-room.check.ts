import type { NatsConnection } from '@nats-io/transport-node';
import { GetNode } from '@plato/contracts';
import { request } from '@plato/messaging';

/** A node's capacity, millicores and MiB. */
export interface NodeCapacity {
  cpu: number;
  memory: number;
}

/**
 * Asks the state-server for node `nodeId` and checks that `replicas` replicas of `cpu` millicores
 * and `memory` MiB fit in what it has free; returns its capacity, throws naming the shortfall.
 */
export async function requireNodeRoom(nc: NatsConnection, nodeId: string, replicas: number, cpu: number, memory: number): Promise<NodeCapacity> {
  const node = await request(nc, GetNode, { nodeId });
  const free = { cpu: node.capacity.cpu - node.allocated.cpu, memory: node.capacity.memory - node.allocated.memory };
  if (replicas * cpu > free.cpu || replicas * memory > free.memory) {
    throw new Error(`${replicas} replicas of ${cpu} m / ${memory} MiB do not fit node ${nodeId} (free ${free.cpu} m / ${free.memory} MiB): lower --cpu/--memory`);
  }
  return node.capacity;
}
