import { terminalStatuses, type AllocationInfo, type DeploymentInfo } from '../cluster-snapshot.types.js';
import type { StopReason } from '../plan.types.js';

/** An allocation to stop and why. */
export interface StopDecision {
  readonly allocation: AllocationInfo;
  readonly reason: StopReason;
}

/** What one deployment needs: allocations to stop, those that stay, slots to fill. */
export interface Reconciliation {
  readonly stops: readonly StopDecision[];
  /** Live allocations of the current version that keep running, by slot. */
  readonly kept: readonly AllocationInfo[];
  /** Replica slots to place, lowest first. */
  readonly missing: readonly number[];
}

function bySlot(a: AllocationInfo, b: AllocationInfo): number {
  return a.index - b.index || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function staleReason(allocation: AllocationInfo, version: number, nodeLost: (nodeId: string) => boolean): StopReason | undefined {
  if (nodeLost(allocation.nodeId)) return 'node-lost';
  if (terminalStatuses.has(allocation.status)) return 'terminal';
  if (allocation.version !== version) return 'outdated';
  return undefined;
}

/**
 * Compares what a deployment wants with the allocations it has (Nomad's reconciler, reduced to
 * replace-all). `allocations` are the deployment's; those desired `stop` are ignored.
 *
 * - a deleted or unknown (`undefined`) deployment stops all of them;
 * - an allocation on a lost node, a terminal one, or one of another version is stopped and its
 *   slot refilled; of two live ones in the same slot, the one with the higher id is stopped;
 * - of the live allocations of the current version, those beyond `replicas` are stopped, highest
 *   slot first (ties: highest id first);
 * - the lowest free slots are filled until `replicas` run.
 *
 * Pure and total; the planner decides where the missing slots go.
 */
export function reconcile(
  deployment: DeploymentInfo | undefined,
  allocations: readonly AllocationInfo[],
  nodeLost: (nodeId: string) => boolean,
): Reconciliation {
  const running = allocations.filter((allocation) => allocation.desired === 'run');
  if (!deployment || deployment.deleted) {
    const reason: StopReason = deployment ? 'deleted' : 'orphaned';
    return { stops: [...running].sort(bySlot).map((allocation) => ({ allocation, reason })), kept: [], missing: [] };
  }
  if (running.length === 0) return { stops: [], kept: [], missing: Array.from({ length: deployment.spec.replicas }, (_, slot) => slot) };
  const stops: StopDecision[] = [];
  const live: AllocationInfo[] = [];
  for (const allocation of [...running].sort(bySlot)) {
    const reason = staleReason(allocation, deployment.version, nodeLost) ?? (live.at(-1)?.index === allocation.index ? 'duplicate' : undefined);
    if (reason) stops.push({ allocation, reason });
    else live.push(allocation);
  }
  const replicas = deployment.spec.replicas;
  const kept = live.slice(0, replicas);
  for (const allocation of live.slice(replicas).reverse()) stops.push({ allocation, reason: 'scaled-down' });
  const taken = new Set(kept.map((allocation) => allocation.index));
  const missing: number[] = [];
  for (let slot = 0; missing.length < replicas - kept.length; slot++) {
    if (!taken.has(slot)) missing.push(slot);
  }
  return { stops, kept, missing };
}
