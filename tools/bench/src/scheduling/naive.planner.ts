import {
  allChecks,
  askOf,
  countFailures,
  deploymentKey,
  feasible,
  firstFailure,
  rankers,
  reconcile,
  summarize,
  type AllocationInfo,
  type ClusterSnapshot,
  type DeploymentInfo,
  type NodeInfo,
  type Placement,
  type Plan,
  type PlanOptions,
  type Stop,
  type Unplaced,
} from '@plato/scheduling';

interface NaiveCandidate {
  readonly node: NodeInfo;
  freeCpu: number;
  freeMemory: number;
  collocated: number;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The simplest correct planner, as the README defines planning: reconcile each deployment, apply
 * the stops, then for every replica scan every node, run every feasibility check
 * (`firstFailure(…, allChecks)`) and keep the lowest score of the deployment's ranker, the lowest
 * node id on equal scores. No precomputed node checks, no heap: O(replicas × nodes × checks).
 * plan() must return an equal plan; the bench checks it and reports the speed ratio.
 */
export function naivePlan(snapshot: ClusterSnapshot, options: PlanOptions): Plan {
  const candidates: NaiveCandidate[] = [...snapshot.nodes]
    .sort((a, b) => compare(a.id, b.id))
    .map((node) => ({ node, freeCpu: node.capacity.cpu, freeMemory: node.capacity.memory, collocated: 0 }));
  const byId = new Map(candidates.map((candidate) => [candidate.node.id, candidate]));
  const ids = new Set<string>();
  for (const allocation of snapshot.allocations) {
    ids.add(allocation.id);
    const candidate = byId.get(allocation.nodeId);
    if (allocation.desired === 'run' && candidate) {
      candidate.freeCpu -= allocation.resources.cpu;
      candidate.freeMemory -= allocation.resources.memory;
    }
  }
  const latest = new Map<string, DeploymentInfo>();
  for (const deployment of snapshot.deployments) {
    const key = deploymentKey(deployment.namespace, deployment.name);
    const known = latest.get(key);
    if (!known || deployment.version > known.version) latest.set(key, deployment);
  }
  const grouped = new Map<string, AllocationInfo[]>();
  for (const allocation of snapshot.allocations) {
    const key = deploymentKey(allocation.namespace, allocation.deployment);
    grouped.set(key, [...(grouped.get(key) ?? []), allocation]);
  }
  const nodeLost = (nodeId: string): boolean => (byId.get(nodeId)?.node.state ?? 'lost') === 'lost';
  const keys = [...new Set([...latest.keys(), ...grouped.keys()])].sort(compare);
  const work = keys.map((key) => ({ key, deployment: latest.get(key), reconciliation: reconcile(latest.get(key), grouped.get(key) ?? [], nodeLost) }));

  const stops: Stop[] = [];
  for (const { reconciliation } of work) {
    for (const { allocation, reason } of reconciliation.stops) {
      const candidate = byId.get(allocation.nodeId);
      if (candidate) {
        candidate.freeCpu += allocation.resources.cpu;
        candidate.freeMemory += allocation.resources.memory;
      }
      stops.push({ allocId: allocation.id, nodeId: allocation.nodeId, reason });
    }
  }

  const placements: Placement[] = [];
  const unplaced: Unplaced[] = [];
  for (const { key, deployment, reconciliation } of work) {
    if (!deployment || reconciliation.missing.length === 0) continue;
    const ask = askOf(deployment.spec);
    const ranker = rankers[deployment.spec.strategy];
    for (const candidate of candidates) candidate.collocated = 0;
    for (const allocation of reconciliation.kept) {
      const candidate = byId.get(allocation.nodeId);
      if (candidate) candidate.collocated++;
    }
    for (const [placed, index] of reconciliation.missing.entries()) {
      let best: NaiveCandidate | undefined;
      let bestScore = Infinity;
      for (const candidate of candidates) {
        if (firstFailure(candidate, ask, allChecks) !== feasible) continue;
        const score = ranker(candidate, ask);
        if (score < bestScore) {
          best = candidate;
          bestScore = score;
        }
      }
      if (!best) {
        const reasons = countFailures(candidates, ask, allChecks);
        const { namespace, name, version } = deployment;
        unplaced.push({ namespace, deployment: name, version, count: reconciliation.missing.length - placed, reasons, summary: summarize(reasons) });
        break;
      }
      const allocId = options.newId(key, index);
      if (ids.has(allocId)) throw new Error(`newId returned ${allocId}, an id already in use`);
      ids.add(allocId);
      best.freeCpu -= ask.resources.cpu;
      best.freeMemory -= ask.resources.memory;
      best.collocated++;
      placements.push({ allocId, nodeId: best.node.id, namespace: deployment.namespace, deployment: deployment.name, version: deployment.version, index, resources: ask.resources });
    }
  }
  return { basedOn: snapshot.position, createdAt: options.now, placements, stops, unplaced, recoveries: [], degraded: [], delayed: [], rollouts: [] };
}

/**
 * The floor: what any planner pays to read the inputs and write the output, without deciding
 * anything. Visits every deployment's replicas and every node once and emits one placement per
 * replica on a node chosen by position (not a valid plan: no checks, no capacity).
 */
export function iterateInputs(snapshot: ClusterSnapshot, options: PlanOptions): Plan {
  const nodes = snapshot.nodes;
  let touched = 0;
  for (const node of nodes) touched += node.capacity.cpu > 0 ? 1 : 0;
  const placements: Placement[] = [];
  let next = 0;
  for (const deployment of snapshot.deployments) {
    const key = deploymentKey(deployment.namespace, deployment.name);
    for (let index = 0; index < deployment.spec.replicas; index++) {
      const node = nodes[next++ % Math.max(1, touched)] as NodeInfo;
      placements.push({ allocId: options.newId(key, index), nodeId: node.id, namespace: deployment.namespace, deployment: deployment.name, version: deployment.version, index, resources: deployment.spec.resources });
    }
  }
  return { basedOn: snapshot.position, createdAt: options.now, placements, stops: [], unplaced: [], recoveries: [], degraded: [], delayed: [], rollouts: [] };
}
