import type { DeploymentSpec } from '@plato/contracts';
import {
  deploymentKey,
  type AllocationInfo,
  type ClusterSnapshot,
  type DeploymentInfo,
  type NodeInfo,
  type Resources,
} from './cluster-snapshot.types.js';
import { parseConstraint, type Constraint } from './feasibility/constraint.parser.js';
import { allChecks, feasible, firstFailure, nodeChecks, type Ask } from './feasibility/feasibility.checkers.js';
import type { Degraded, Delayed, Placement, Plan, PlanOptions, Recovery, RolloutEnd, Stop, Unplaced } from './plan.types.js';
import { freeShareOf, strategyScore, type RankCandidate, type Strategy } from './ranking/node.rankers.js';
import { RankedCandidates } from './ranking/ranked-candidates.heap.js';
import { reconcile, type Reconciliation } from './reconcile/deployment.reconciler.js';
import { degradedReason } from './reconcile/reschedule.policy.js';
import { countFailures, summarize } from './why-not.explainer.js';

/** A node and its running totals during one plan; the planner's only mutable state. */
class NodeSlot implements RankCandidate {
  freeCpu: number;
  freeMemory: number;
  collocated = 0;
  readonly capacityCpu: number;
  readonly capacityMemory: number;

  constructor(
    readonly node: NodeInfo,
    readonly order: number,
  ) {
    this.freeCpu = this.capacityCpu = node.capacity.cpu;
    this.freeMemory = this.capacityMemory = node.capacity.memory;
  }

  /** Whether the replica's resources are still free here: the capacity checks, as numbers. */
  fits(cpu: number, memory: number): boolean {
    return this.freeCpu >= cpu && this.freeMemory >= memory;
  }

  /** The strategy's score of placing the replica here, as the strategy's ranker computes it. */
  score(cpu: number, memory: number, strategy: Strategy): number {
    return strategyScore(strategy, freeShareOf(this.freeCpu, this.freeMemory, this.capacityCpu, this.capacityMemory, cpu, memory), this.collocated);
  }

  take(resources: Resources): void {
    this.freeCpu -= resources.cpu;
    this.freeMemory -= resources.memory;
  }

  release(resources: Resources): void {
    this.freeCpu += resources.cpu;
    this.freeMemory += resources.memory;
  }
}

interface PlacementContext {
  /** Every node, sorted by id; `collocated` is 0 on each between deployments. */
  readonly slots: readonly NodeSlot[];
  readonly slotOf: ReadonlyMap<string, NodeSlot>;
  /** Allocation ids in use, the snapshot's and this plan's. */
  readonly ids: Set<string>;
  readonly newId: PlanOptions['newId'];
  readonly placements: Placement[];
}

interface Work {
  readonly key: string;
  readonly deployment: DeploymentInfo | undefined;
  readonly reconciliation: Reconciliation;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Derives what one replica of a spec asks of a node, parsing its constraints once (with `parse`, e.g. a memo shared by the deployments of one plan). */
export function askOf(spec: DeploymentSpec, parse: (expression: string) => Constraint = parseConstraint): Ask {
  return { runtime: spec.runtime, resources: spec.resources, constraints: spec.constraints.map(parse) };
}

/** {@link parseConstraint} remembering each expression's result, for the deployments of one plan. */
function memoizedParser(): (expression: string) => Constraint {
  const parsed = new Map<string, Constraint>();
  return (expression) => {
    let constraint = parsed.get(expression);
    if (!constraint) {
      constraint = parseConstraint(expression);
      parsed.set(expression, constraint);
    }
    return constraint;
  };
}

/**
 * The best slot for one replica: what `selectNode(eligible, ask, rankers[strategy])` returns
 * (the capacity checks, then the lowest score, the lowest node id on equal scores, as `eligible`
 * is sorted by id), in one tight loop over the slots' numbers instead of a call per check and
 * per ranker: this scan is most of the cost of a deployment of one replica.
 */
function bestSlot(eligible: readonly NodeSlot[], cpu: number, memory: number, strategy: Strategy): NodeSlot | undefined {
  let best: NodeSlot | undefined;
  let bestScore = Infinity;
  for (let i = 0; i < eligible.length; i++) {
    const slot = eligible[i] as NodeSlot;
    if (!slot.fits(cpu, memory)) continue;
    const score = slot.score(cpu, memory, strategy);
    if (score < bestScore) {
      best = slot;
      bestScore = score;
    }
  }
  return best;
}

function rankFits(eligible: readonly NodeSlot[], cpu: number, memory: number, strategy: Strategy): RankedCandidates<NodeSlot> {
  const fits: NodeSlot[] = [];
  const scores: number[] = [];
  const orders: number[] = [];
  for (let i = 0; i < eligible.length; i++) {
    const slot = eligible[i] as NodeSlot;
    if (!slot.fits(cpu, memory)) continue;
    fits.push(slot);
    scores.push(slot.score(cpu, memory, strategy));
    orders.push(slot.order);
  }
  return RankedCandidates.of(fits, scores, orders);
}

/**
 * Places the missing replicas of one deployment on `eligible` nodes, appending to the context's
 * placements; returns what it could not place. One replica takes a scan of the nodes; more take
 * a heap, so each further replica costs O(log nodes).
 */
function placeReplicas(
  context: PlacementContext,
  key: string,
  deployment: DeploymentInfo,
  reconciliation: Reconciliation,
  ask: Ask,
  eligible: readonly NodeSlot[],
): Unplaced | undefined {
  const strategy = deployment.spec.strategy;
  const { cpu, memory } = ask.resources;
  const touched: NodeSlot[] = [];
  const collocate = (slot: NodeSlot): void => {
    if (slot.collocated++ === 0) touched.push(slot);
  };
  for (const allocation of reconciliation.kept) {
    const slot = context.slotOf.get(allocation.nodeId);
    if (slot) collocate(slot);
  }
  const avoided = reconciliation.verdict.avoidedNodes;
  const preferred = avoided.size > 0 ? eligible.filter((slot) => !avoided.has(slot.node.id)) : undefined;
  const ranked = reconciliation.missing.length > 1 && !preferred ? rankFits(eligible, cpu, memory, strategy) : undefined;
  let failed: Unplaced | undefined;
  for (const [placed, index] of reconciliation.missing.entries()) {
    const slot = ranked
      ? ranked.pop()
      : ((preferred && bestSlot(preferred, cpu, memory, strategy)) ?? bestSlot(eligible, cpu, memory, strategy));
    if (!slot) {
      const reasons = countFailures(context.slots, ask, allChecks);
      const { namespace, name, version } = deployment;
      failed = { namespace, deployment: name, version, count: reconciliation.missing.length - placed, reasons, summary: summarize(reasons) };
      break;
    }
    const allocId = context.newId(key, index);
    if (context.ids.has(allocId)) throw new Error(`newId returned ${allocId}, an id already in use`);
    context.ids.add(allocId);
    slot.take(ask.resources);
    collocate(slot);
    if (ranked && slot.fits(cpu, memory)) ranked.push(slot, slot.score(cpu, memory, strategy), slot.order);
    context.placements.push({
      allocId,
      nodeId: slot.node.id,
      namespace: deployment.namespace,
      deployment: deployment.name,
      version: deployment.version,
      index,
      resources: ask.resources,
    });
  }
  for (const slot of touched) slot.collocated = 0;
  return failed;
}

function latestByKey(deployments: readonly DeploymentInfo[]): Map<string, DeploymentInfo> {
  const byKey = new Map<string, DeploymentInfo>();
  for (const deployment of deployments) {
    const key = deploymentKey(deployment.namespace, deployment.name);
    const known = byKey.get(key);
    if (!known || deployment.version > known.version) byKey.set(key, deployment);
  }
  return byKey;
}

function groupByDeployment(allocations: readonly AllocationInfo[]): Map<string, AllocationInfo[]> {
  const byKey = new Map<string, AllocationInfo[]>();
  for (const allocation of allocations) {
    const key = deploymentKey(allocation.namespace, allocation.deployment);
    const group = byKey.get(key);
    if (group) group.push(allocation);
    else byKey.set(key, [allocation]);
  }
  return byKey;
}

/**
 * Plans the cluster: a pure, deterministic function of the snapshot and the options, which
 * reads nothing else (no clock, no randomness) and changes nothing. The same arguments give an
 * equal plan, whatever the order of the snapshot's arrays.
 *
 * Per deployment (in `namespace/name` order) it reconciles wanted with existing allocations
 * ({@link reconcile}); then applies every stop, freeing its resources; then places the missing
 * replicas one by one: nodes passing the node checks (ready, not cordoned, runtime, constraints;
 * computed once per runtime and constraint set), then the capacity checks against what is free
 * after the plan so far, the best by the deployment's strategy (bin-pack or spread), lowest node
 * id on equal scores. Replicas no node takes are reported in `unplaced` with counts per failed
 * check, not thrown.
 *
 * Cost: O(allocations + nodes log nodes) to set up, then per deployment O(eligible nodes) to rank
 * and O(log nodes) per placement (only the chosen node's score changes); failures are explained
 * with one more pass over the nodes.
 *
 * Throws only on a caller's bug: `newId` returning an id already in use.
 */
export function plan(snapshot: ClusterSnapshot, options: PlanOptions): Plan {
  const slots = [...snapshot.nodes].sort((a, b) => compareStrings(a.id, b.id)).map((node, order) => new NodeSlot(node, order));
  const slotOf = new Map(slots.map((slot) => [slot.node.id, slot]));
  const ids = new Set<string>();
  for (const allocation of snapshot.allocations) {
    ids.add(allocation.id);
    if (allocation.desired === 'run') slotOf.get(allocation.nodeId)?.take(allocation.resources);
  }

  const deployments = latestByKey(snapshot.deployments);
  const allocations = groupByDeployment(snapshot.allocations);
  const nodeLost = (nodeId: string): boolean => (slotOf.get(nodeId)?.node.state ?? 'lost') === 'lost';
  const draining = (nodeId: string): { readonly deadline?: number } | undefined => slotOf.get(nodeId)?.node.draining;
  const work: Work[] = [...new Set([...deployments.keys(), ...allocations.keys()])]
    .sort() // by UTF-16 code units, as compareStrings orders
    .map((key) => {
      const deployment = deployments.get(key);
      return { key, deployment, reconciliation: reconcile(deployment, allocations.get(key) ?? [], nodeLost, options.now, draining) };
    });

  const stops: Stop[] = [];
  const recoveries: Recovery[] = [];
  const degraded: Degraded[] = [];
  const delayed: Delayed[] = [];
  const rollouts: RolloutEnd[] = [];
  let wakeAt = Infinity;
  for (const { deployment, reconciliation } of work) {
    for (const { allocation, reason } of reconciliation.stops) {
      slotOf.get(allocation.nodeId)?.release(allocation.resources);
      stops.push({ allocId: allocation.id, nodeId: allocation.nodeId, reason });
    }
    for (const allocation of reconciliation.recovered) recoveries.push({ allocId: allocation.id, nodeId: allocation.nodeId });
    if (!deployment) continue;
    const { namespace, name, version } = deployment;
    for (const { index, until } of reconciliation.delayed) delayed.push({ namespace, deployment: name, version, index, until });
    const reason = degradedReason(deployment, reconciliation.verdict);
    if (reason) degraded.push({ namespace, deployment: name, version, reason, failing: reconciliation.verdict.failing, givenUp: reconciliation.verdict.givenUp });
    const rollout = reconciliation.rollout;
    if (rollout?.outcome) rollouts.push({ namespace, deployment: name, version: rollout.version, ...rollout.outcome });
    if (rollout?.wakeAt !== undefined) wakeAt = Math.min(wakeAt, rollout.wakeAt);
  }

  const parse = memoizedParser();
  const eligibleByClass = new Map<string, NodeSlot[]>();
  const eligibleFor = (ask: Ask): NodeSlot[] => {
    const classKey = ask.constraints.length === 0 ? ask.runtime : [ask.runtime, ...ask.constraints.map((constraint) => constraint.text).sort()].join('\n');
    let eligible = eligibleByClass.get(classKey);
    if (!eligible) {
      eligible = slots.filter((slot) => firstFailure(slot, ask, nodeChecks) === feasible);
      eligibleByClass.set(classKey, eligible);
    }
    return eligible;
  };

  const placements: Placement[] = [];
  const unplaced: Unplaced[] = [];
  const context: PlacementContext = { slots, slotOf, ids, newId: options.newId, placements };
  for (const { key, deployment, reconciliation } of work) {
    if (!deployment || reconciliation.missing.length === 0) continue;
    const ask = askOf(deployment.spec, parse);
    const failed = placeReplicas(context, key, deployment, reconciliation, ask, eligibleFor(ask));
    if (failed) unplaced.push(failed);
  }

  return {
    basedOn: snapshot.position,
    createdAt: options.now,
    placements,
    stops,
    unplaced,
    recoveries,
    degraded,
    delayed,
    rollouts,
    ...(Number.isFinite(wakeAt) ? { wakeAt } : {}),
  };
}
