import { createHash } from 'node:crypto';
import { askOf, feasible, firstFailure, nodeChecks, type ClusterSnapshot, type Plan } from '@plato/scheduling';

/** What the bench checked of a plan. */
export interface Verification {
  placements: number;
  unplaced: number;
  /** Nodes used by at least one placement. */
  nodesUsed: number;
  /** Highest CPU and memory use of any node after the plan, as a share of its capacity. */
  fullestCpu: number;
  fullestMemory: number;
  /** sha256 of the plan's JSON: equal digests, equal plans (compared across commits). */
  digest: string;
}

/** The sha256 of a plan's JSON. */
export function digestOf(plan: Plan): string {
  return createHash('sha256').update(JSON.stringify(plan)).digest('hex');
}

/**
 * Checks a plan of a snapshot without allocations: every replica placed exactly once, on a node
 * that passes the node checks for its deployment, and no node over its CPU or memory capacity.
 * Throws on the first violation.
 */
export function verifyPlan(snapshot: ClusterSnapshot, plan: Plan, expectedPlacements: number): Verification {
  if (plan.placements.length !== expectedPlacements) throw new Error(`expected ${expectedPlacements} placements, got ${plan.placements.length}`);
  if (plan.unplaced.length !== 0) throw new Error(`unexpected unplaced replicas: ${plan.unplaced.map((u) => `${u.deployment} ${u.count}: ${u.summary}`).join('; ')}`);
  const nodes = new Map(snapshot.nodes.map((node) => [node.id, node]));
  const deployments = new Map(snapshot.deployments.map((deployment) => [`${deployment.namespace}/${deployment.name}`, deployment]));
  const asks = new Map([...deployments].map(([key, deployment]) => [key, askOf(deployment.spec)]));
  const used = new Map<string, { cpu: number; memory: number }>();
  const slots = new Set<string>();
  const ids = new Set<string>();
  for (const placement of plan.placements) {
    const key = `${placement.namespace}/${placement.deployment}`;
    const node = nodes.get(placement.nodeId);
    const ask = asks.get(key);
    if (!node || !ask) throw new Error(`placement ${placement.allocId} names an unknown node or deployment`);
    if (firstFailure({ node, freeCpu: Infinity, freeMemory: Infinity }, ask, nodeChecks) !== feasible) throw new Error(`placement ${placement.allocId} on ${node.id} fails a node check`);
    if (slots.has(`${key}#${placement.index}`) || ids.has(placement.allocId)) throw new Error(`slot or id placed twice: ${placement.allocId}`);
    slots.add(`${key}#${placement.index}`);
    ids.add(placement.allocId);
    const total = used.get(node.id) ?? { cpu: 0, memory: 0 };
    total.cpu += placement.resources.cpu;
    total.memory += placement.resources.memory;
    used.set(node.id, total);
  }
  let fullestCpu = 0;
  let fullestMemory = 0;
  for (const [nodeId, total] of used) {
    const { capacity } = nodes.get(nodeId)!;
    if (total.cpu > capacity.cpu || total.memory > capacity.memory) throw new Error(`node ${nodeId} over capacity: ${total.cpu}/${capacity.cpu} millicores, ${total.memory}/${capacity.memory} MiB`);
    fullestCpu = Math.max(fullestCpu, total.cpu / capacity.cpu);
    fullestMemory = Math.max(fullestMemory, total.memory / capacity.memory);
  }
  return { placements: plan.placements.length, unplaced: plan.unplaced.length, nodesUsed: used.size, fullestCpu, fullestMemory, digest: digestOf(plan) };
}
