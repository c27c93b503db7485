import type { DeploymentPlacementBlocked, EventDataOf, PlanPayload } from '@plato/contracts';
import { terminalAllocationStatuses, type AllocationPlacement, type ClusterProjection, type ResourceAmount, type StopReason } from '@plato/domain';

/** Why a plan is refused: one failed check, naming the node and/or deployment (`namespace/name`). */
export interface PlanRefusalReason {
  readonly nodeId?: string;
  readonly deployment?: string;
  readonly reason: string;
}

/** A stop the plan asks for, of an allocation known to be on that node. */
export interface PlannedStop {
  readonly nodeId: string;
  readonly allocId: string;
  readonly reason: StopReason;
}

/** A new or changed placement blockage of a deployment's current version. */
export interface PlannedBlockage {
  readonly namespace: string;
  readonly name: string;
  readonly version: number;
  readonly missing: number;
  readonly reasons: EventDataOf<typeof DeploymentPlacementBlocked>['reasons'];
  readonly summary: string;
}

/** A deployment whose blockage the plan ends. */
export interface PlannedUnblock {
  readonly namespace: string;
  readonly name: string;
  readonly version: number;
}

/** A lost allocation the plan keeps, on its node that came back. */
export interface PlannedRecovery {
  readonly nodeId: string;
  readonly allocId: string;
}

/** A new or changed degraded state of a deployment's current version. */
export interface PlannedDegraded {
  readonly namespace: string;
  readonly name: string;
  readonly version: number;
  readonly reason: string;
  readonly failing: number[];
  readonly givenUp: number[];
}

/** A rollout the plan ends: completed, or failed and why. */
export interface PlannedRolloutEnd {
  readonly namespace: string;
  readonly name: string;
  readonly version: number;
  readonly outcome: 'completed' | 'failed';
  readonly reason?: string;
}

/** What an accepted plan writes: each item is one command on one stream. */
export interface AcceptedPlan {
  readonly ok: true;
  /** Rollouts of deployments' current versions that the plan ends (the Deployment aggregate decides whether it still can). */
  readonly rolloutEnds: PlannedRolloutEnd[];
  readonly recoveries: PlannedRecovery[];
  readonly degrades: PlannedDegraded[];
  /** Degraded deployments the plan no longer finds degraded. */
  readonly restores: PlannedUnblock[];
  /** Every placement with the full spec of the deployment's current version (those already placed by a retry included). */
  readonly placements: AllocationPlacement[];
  readonly stops: PlannedStop[];
  readonly blocks: PlannedBlockage[];
  readonly unblocks: PlannedUnblock[];
}

/** A refused plan: every failed check. Nothing of it is to be written. */
export interface RefusedPlan {
  readonly ok: false;
  readonly reasons: PlanRefusalReason[];
}

/** The outcome of {@link checkPlan}. */
export type PlanCheck = AcceptedPlan | RefusedPlan;

/** What the checker reads of the cluster: the state-server's {@link ClusterProjection}. */
export type PlanCheckView = Pick<ClusterProjection, 'deployments' | 'nodeState' | 'allocated' | 'allocation' | 'allocationList' | 'placementOf' | 'degradedOf'>;

/**
 * The plan applier's check (Nomad's plan applier, optimistic): is `plan` still valid against the
 * cluster as `view` holds it at the log's last position? Pure; the same view and plan give the
 * same answer. The plan is refused as a whole when any of these fails:
 *
 * - a stop names an allocation that is not on the node it names;
 * - a placement's allocation id is already used (unless by the same placement: a retried plan);
 * - a placement's deployment is unknown or deleted, or its version is not the current one;
 * - a placement's node is not registered, not ready, cordoned, lacks the deployment's runtime, or
 *   lacks room: capacity − allocated − earlier placements of this plan, where this plan's stops of
 *   allocations holding resources on that node free theirs first (as the scheduler computes);
 * - a recovery names an allocation that is not lost on that node, or wanted stopped, or of an old
 *   version, or its node is not registered or still lost, or lacks room for it;
 * - a deployment would run more live allocations (wanted running, not ended) of its current version
 *   (or a version compatible with it) than its replicas: live + this plan's placements and recoveries − this plan's stops of such
 *   allocations. This is the guard against two schedulers placing the same replicas from the same
 *   snapshot.
 *
 * An accepted plan also says which blockages to write or end:
 * - an `unplaced` entry of a deployment's current version is written as a blockage when it differs
 *   (version, missing count or summary) from the deployment's current one; entries of an unknown,
 *   deleted or outdated deployment version are ignored;
 * - a blocked deployment with no `unplaced` entry in this plan is unblocked when this plan places
 *   some of its replicas, or when after this plan it runs at least its replica count;
 * - a `degraded` entry of a deployment's current version is written when it differs (version or
 *   reason) from the recorded one; a degraded deployment the plan does not list is restored. A
 *   plan sent in parts carries the same list in each.
 * - a `rollouts` entry of a deployment's current version is passed on to be decided by the
 *   Deployment aggregate (which ends only a rollout still running); other entries are ignored.
 */
export function checkPlan(view: PlanCheckView, plan: PlanPayload): PlanCheck {
  const reasons: PlanRefusalReason[] = [];
  const freed = new Map<string, ResourceAmount>();
  const stoppedLive = new Map<string, number>();
  const stops: PlannedStop[] = [];

  for (const stop of plan.stops) {
    const allocation = view.allocation(stop.allocId);
    if (!allocation || allocation.placement.nodeId !== stop.nodeId) {
      reasons.push({ nodeId: stop.nodeId, reason: `allocation ${stop.allocId} to stop is not on node ${stop.nodeId}` });
      continue;
    }
    stops.push({ nodeId: stop.nodeId, allocId: stop.allocId, reason: stop.reason });
    if (allocation.desired !== 'run' || terminalAllocationStatuses.has(allocation.status)) continue;
    const p = allocation.placement;
    freed.set(p.nodeId, add(freed.get(p.nodeId), p.spec.resources));
    if (runsCurrentVersion(view, p.namespace, p.deployment, p.version)) increment(stoppedLive, keyOf(p.namespace, p.deployment));
  }

  const room = new Map<string, ResourceAmount>();
  const takeRoom = (nodeId: string, capacity: ResourceAmount, need: ResourceAmount): ResourceAmount | undefined => {
    const free = room.get(nodeId) ?? subtract(add(capacity, freed.get(nodeId)), view.allocated(nodeId));
    if (free.cpu < need.cpu || free.memory < need.memory) return free;
    room.set(nodeId, subtract(free, need));
    return undefined;
  };
  const placedFor = new Map<string, number>();
  const seenIds = new Set<string>();
  const placements: AllocationPlacement[] = [];
  for (const placement of plan.placements) {
    const deployment = keyOf(placement.namespace, placement.deployment);
    const { nodeId, allocId } = placement;
    if (seenIds.has(allocId)) {
      reasons.push({ nodeId, deployment, reason: `allocation id ${allocId} is placed twice in the plan` });
      continue;
    }
    seenIds.add(allocId);
    const current = view.deployments.get(placement.namespace, placement.deployment);
    const existing = view.allocation(allocId);
    if (existing) {
      const p = existing.placement;
      const same = p.nodeId === nodeId && p.namespace === placement.namespace && p.deployment === placement.deployment && p.version === placement.version && p.index === placement.index;
      if (!same) reasons.push({ nodeId, deployment, reason: `allocation id ${allocId} is already used` });
      else placements.push(p);
      continue;
    }
    if (!current || current.deleted) {
      reasons.push({ nodeId, deployment, reason: current ? `deployment ${deployment} is deleted` : `deployment ${deployment} is unknown` });
      continue;
    }
    if (placement.version !== current.version) {
      reasons.push({ nodeId, deployment, reason: `version ${placement.version} of ${deployment} is not its current version ${current.version}` });
      continue;
    }
    const node = view.nodeState(nodeId);
    const need = current.spec.resources;
    let failed: string | undefined;
    if (!node) failed = `node ${nodeId} is not registered`;
    else if (node.liveness !== 'ready') failed = `node ${nodeId} is ${node.liveness}`;
    else if (node.cordoned) failed = `node ${nodeId} is cordoned`;
    else if (!node.facts.runtimes.includes(current.spec.runtime)) failed = `node ${nodeId} lacks runtime ${current.spec.runtime}`;
    else {
      const short = takeRoom(nodeId, node.facts.capacity, need);
      if (short) failed = `node ${nodeId} lacks room: needs ${need.cpu}m CPU and ${need.memory} MiB, has ${short.cpu}m and ${short.memory} MiB free`;
    }
    if (failed) {
      reasons.push({ nodeId, deployment, reason: failed });
      continue;
    }
    increment(placedFor, deployment);
    const { namespace, version, index } = placement;
    placements.push({ allocId, nodeId, namespace, deployment: placement.deployment, version, index, spec: current.spec, basedOn: plan.basedOn });
  }

  const recoveries: PlannedRecovery[] = [];
  for (const recovery of plan.recoveries) {
    const { nodeId, allocId } = recovery;
    const allocation = view.allocation(allocId);
    const p = allocation?.placement;
    const deployment = p ? keyOf(p.namespace, p.deployment) : undefined;
    const current = p ? view.deployments.get(p.namespace, p.deployment) : undefined;
    const node = view.nodeState(nodeId);
    let failed: string | undefined;
    if (!allocation || !p || p.nodeId !== nodeId) failed = `allocation ${allocId} to recover is not on node ${nodeId}`;
    else if (allocation.status !== 'lost' || allocation.desired !== 'run') failed = `allocation ${allocId} to recover is ${allocation.status} and desired ${allocation.desired}, not lost and wanted`;
    else if (!current || current.deleted || !runsCurrentVersion(view, p.namespace, p.deployment, p.version)) failed = `allocation ${allocId} to recover runs version ${p.version}, not the current version of ${deployment}`;
    else if (!node || node.liveness !== 'ready') failed = `node ${nodeId} of allocation ${allocId} to recover is ${node ? node.liveness : 'not registered'}`;
    else {
      const need = p.spec.resources;
      const short = takeRoom(nodeId, node.facts.capacity, need);
      if (short) failed = `node ${nodeId} lacks room to recover ${allocId}: needs ${need.cpu}m CPU and ${need.memory} MiB, has ${short.cpu}m and ${short.memory} MiB free`;
    }
    if (failed) {
      reasons.push({ nodeId, ...(deployment ? { deployment } : {}), reason: failed });
      continue;
    }
    increment(placedFor, deployment!);
    recoveries.push({ nodeId, allocId });
  }

  const liveAfter = (namespace: string, name: string, version: number): number => {
    const key = keyOf(namespace, name);
    const live = view
      .allocationList({ namespace, deployment: name })
      .filter((a) => (a.version === version || runsCurrentVersion(view, namespace, name, a.version)) && a.desired === 'run' && !terminalAllocationStatuses.has(a.status)).length;
    return live + (placedFor.get(key) ?? 0) - (stoppedLive.get(key) ?? 0);
  };
  for (const [key, count] of placedFor) {
    const [namespace, name] = key.split('/') as [string, string];
    const current = view.deployments.get(namespace, name)!;
    const after = liveAfter(namespace, name, current.version);
    if (after > current.replicas) {
      reasons.push({
        deployment: key,
        reason: `${key} would run ${after} live allocations of version ${current.version} (${count} placed or recovered by this plan), more than its ${current.replicas} replicas`,
      });
    }
  }
  if (reasons.length > 0) return { ok: false, reasons };

  const blocks: PlannedBlockage[] = [];
  const unplacedKeys = new Set<string>();
  for (const entry of plan.unplaced) {
    unplacedKeys.add(keyOf(entry.namespace, entry.deployment));
    const current = view.deployments.get(entry.namespace, entry.deployment);
    if (!current || current.deleted || current.version !== entry.version) continue;
    const blocked = view.placementOf(entry.namespace, entry.deployment);
    if (blocked && blocked.version === entry.version && blocked.missing === entry.count && blocked.summary === entry.summary) continue;
    const checks = entry.reasons.map((r) => ({ check: r.check, nodes: r.nodes }));
    blocks.push({ namespace: entry.namespace, name: entry.deployment, version: entry.version, missing: entry.count, reasons: checks, summary: entry.summary });
  }

  const unblocks: PlannedUnblock[] = [];
  for (const deployment of view.deployments.list()) {
    const key = keyOf(deployment.namespace, deployment.name);
    if (unplacedKeys.has(key) || !view.placementOf(deployment.namespace, deployment.name)) continue;
    const touched = (placedFor.get(key) ?? 0) > 0;
    if (touched || liveAfter(deployment.namespace, deployment.name, deployment.version) >= deployment.replicas) {
      unblocks.push({ namespace: deployment.namespace, name: deployment.name, version: deployment.version });
    }
  }
  const degrades: PlannedDegraded[] = [];
  const degradedKeys = new Set<string>();
  for (const entry of plan.degraded) {
    degradedKeys.add(keyOf(entry.namespace, entry.deployment));
    const current = view.deployments.get(entry.namespace, entry.deployment);
    if (!current || current.deleted || current.version !== entry.version) continue;
    const recorded = view.degradedOf(entry.namespace, entry.deployment);
    if (recorded && recorded.version === entry.version && recorded.reason === entry.reason) continue;
    degrades.push({ namespace: entry.namespace, name: entry.deployment, version: entry.version, reason: entry.reason, failing: [...entry.failing], givenUp: [...entry.givenUp] });
  }
  const restores: PlannedUnblock[] = [];
  for (const deployment of view.deployments.list()) {
    if (degradedKeys.has(keyOf(deployment.namespace, deployment.name)) || !view.degradedOf(deployment.namespace, deployment.name)) continue;
    restores.push({ namespace: deployment.namespace, name: deployment.name, version: deployment.version });
  }
  const rolloutEnds: PlannedRolloutEnd[] = [];
  for (const entry of plan.rollouts) {
    const current = view.deployments.get(entry.namespace, entry.deployment);
    if (!current || current.deleted || current.version !== entry.version) continue;
    rolloutEnds.push({ namespace: entry.namespace, name: entry.deployment, version: entry.version, outcome: entry.outcome, ...(entry.reason !== undefined ? { reason: entry.reason } : {}) });
  }
  return { ok: true, placements, stops, recoveries, blocks, unblocks, degrades, restores, rolloutEnds };
}

/** Whether an allocation of `version` runs the deployment's current workload: its current version, or one compatible with it. */
function runsCurrentVersion(view: PlanCheckView, namespace: string, name: string, version: number): boolean {
  const { state } = view.deployments.stateOf(namespace, name);
  return state.status === 'live' && (state.version === version || state.compatible.includes(version));
}

function keyOf(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

function increment(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function add(a: ResourceAmount | undefined, b: ResourceAmount | undefined): ResourceAmount {
  return { cpu: (a?.cpu ?? 0) + (b?.cpu ?? 0), memory: (a?.memory ?? 0) + (b?.memory ?? 0) };
}

function subtract(a: ResourceAmount, b: ResourceAmount): ResourceAmount {
  return { cpu: a.cpu - b.cpu, memory: a.memory - b.memory };
}
