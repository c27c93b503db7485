import { deploymentKey, type AllocationInfo, type ClusterSnapshot, type DeploymentInfo } from '../cluster-snapshot.types.js';
import { plan } from '../cluster.planner.js';
import type { Placement, Stop, Unplaced } from '../plan.types.js';

/** A stop of one of the previewed deployment's allocations, with the version and slot it runs. */
export interface PreviewStop extends Stop {
  readonly version: number;
  readonly index: number;
}

/**
 * What the scheduler would do to one deployment if it were `candidate`: the answer of
 * {@link previewDeployment}. Placements carry preview ids (`preview:<namespace>/<name>:<slot>`),
 * never ids a real plan would use.
 */
export interface DeploymentPreview {
  /** The snapshot position the preview was computed from. */
  readonly basedOn: number;
  /** New allocations of the candidate, lowest slot first. */
  readonly placements: readonly Placement[];
  /** Allocations of the deployment that would be stopped, in the plan's order. */
  readonly stops: readonly PreviewStop[];
  /** Allocations of the deployment that keep running as they are. */
  readonly kept: number;
  /** Replicas no node would take, and why; undefined when every replica is placed. */
  readonly unplaced: Unplaced | undefined;
  /**
   * The same plan's work for other deployments (the scheduler's pending work, which the preview
   * plans first or after by `namespace/name` as the real plan would).
   */
  readonly elsewhere: { readonly placements: number; readonly stops: number };
}

/**
 * A what-if of the scheduler: replaces the deployment `candidate` names in `snapshot` by
 * `candidate` (added when the snapshot has none), runs {@link plan} on the result as the leader
 * would on its next pass, and keeps what concerns that deployment. Pure, deterministic and total;
 * it changes nothing. Called by the state-server's plan query (`plato plan`) with the deployment
 * as an apply would leave it.
 */
export function previewDeployment(snapshot: ClusterSnapshot, candidate: DeploymentInfo, now: number): DeploymentPreview {
  const key = deploymentKey(candidate.namespace, candidate.name);
  const isTarget = (item: { namespace: string }, name: string): boolean => deploymentKey(item.namespace, name) === key;
  const deployments = [...snapshot.deployments.filter((deployment) => !isTarget(deployment, deployment.name)), candidate];
  const result = plan({ ...snapshot, deployments }, { now, newId: (deployment, index) => `preview:${deployment}:${index}` });

  const own = new Map<string, AllocationInfo>();
  for (const allocation of snapshot.allocations) {
    if (isTarget(allocation, allocation.deployment)) own.set(allocation.id, allocation);
  }
  const placements = result.placements.filter((placement) => isTarget(placement, placement.deployment));
  const stops: PreviewStop[] = [];
  for (const stop of result.stops) {
    const allocation = own.get(stop.allocId);
    if (allocation) stops.push({ ...stop, version: allocation.version, index: allocation.index });
  }
  const running = [...own.values()].filter((allocation) => allocation.desired === 'run').length;
  return {
    basedOn: result.basedOn,
    placements,
    stops,
    kept: running - stops.length,
    unplaced: result.unplaced.find((unplaced) => isTarget(unplaced, unplaced.deployment)),
    elsewhere: { placements: result.placements.length - placements.length, stops: result.stops.length - stops.length },
  };
}
