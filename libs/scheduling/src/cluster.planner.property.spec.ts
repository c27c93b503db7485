import fc from 'fast-check';
import { askOf, plan } from './cluster.planner.js';
import { deploymentKey, terminalStatuses, type AllocationInfo, type ClusterSnapshot, type DeploymentInfo, type NodeInfo } from './cluster-snapshot.types.js';
import { feasible, firstFailure, nodeChecks } from './feasibility/feasibility.checkers.js';
import type { PlanOptions } from './plan.types.js';
import { rankers, selectNode, type RankCandidate } from './ranking/node.rankers.js';
import { mockAllocation, mockDeployment, mockNode } from './testing/scheduling.factories.js';
import { SchedulingHarness } from './testing/scheduling.harness.js';

const names = ['api', 'db', 'web', 'worker'];
const constraintPool = ['rack=a', 'rack!=a', 'rack in (a,b)', 'zone notin (z1)', 'ssd', '!gpu'];

const nodeArb = fc.record({
  state: fc.constantFrom('ready', 'ready', 'ready', 'ready', 'down', 'lost'),
  cordoned: fc.constantFrom(false, false, false, true),
  rack: fc.constantFrom(undefined, 'a', 'b'),
  zone: fc.constantFrom(undefined, 'z1', 'z2'),
  ssd: fc.boolean(),
  runtimes: fc.constantFrom<('docker' | 'lxd')[]>(['docker', 'lxd'], ['docker', 'lxd'], ['docker'], ['lxd'], []),
  cpu: fc.integer({ min: 0, max: 16 }).map((n) => n * 500),
  memory: fc.integer({ min: 0, max: 16 }).map((n) => n * 512),
});

const nodesArb: fc.Arbitrary<NodeInfo[]> = fc.array(nodeArb, { maxLength: 8 }).map((drafts) =>
  drafts.map((draft, i) =>
    mockNode({
      id: `n${i}`,
      state: draft.state,
      cordoned: draft.cordoned,
      labels: {
        ...(draft.rack ? { rack: draft.rack } : {}),
        ...(draft.zone ? { zone: draft.zone } : {}),
        ...(draft.ssd ? { ssd: 'yes' } : {}),
      },
      runtimes: draft.runtimes,
      capacity: { cpu: draft.cpu, memory: draft.memory },
    }),
  ),
);

const deploymentsArb: fc.Arbitrary<DeploymentInfo[]> = fc
  .subarray(names)
  .chain((chosen) =>
    fc.tuple(
      ...chosen.map((name) =>
        fc
          .record({
            version: fc.integer({ min: 1, max: 3 }),
            deleted: fc.constantFrom(false, false, false, true),
            replicas: fc.integer({ min: 0, max: 6 }),
            cpu: fc.integer({ min: 1, max: 8 }).map((n) => n * 250),
            memory: fc.integer({ min: 1, max: 8 }).map((n) => n * 256),
            runtime: fc.constantFrom('docker' as const, 'lxd' as const),
            constraints: fc.oneof({ arbitrary: fc.constant<string[]>([]), weight: 2 }, { arbitrary: fc.subarray(constraintPool, { maxLength: 2 }), weight: 1 }),
            strategy: fc.constantFrom('binpack' as const, 'spread' as const),
          })
          .map((d) =>
            mockDeployment({
              name,
              version: d.version,
              deleted: d.deleted,
              spec: { replicas: d.replicas, resources: { cpu: d.cpu, memory: d.memory }, runtime: d.runtime, constraints: d.constraints, strategy: d.strategy },
            }),
          ),
      ),
    ),
  )
  .map((deployments) => [...deployments]);

const allocationArb = fc.record({
  deployment: fc.constantFrom(...names, 'ghost'),
  node: fc.integer({ min: 0, max: 8 }),
  version: fc.integer({ min: 1, max: 3 }),
  index: fc.integer({ min: 0, max: 6 }),
  cpu: fc.integer({ min: 1, max: 4 }).map((n) => n * 250),
  memory: fc.integer({ min: 1, max: 4 }).map((n) => n * 256),
  desired: fc.constantFrom('run', 'run', 'run', 'stop'),
  status: fc.constantFrom('pending', 'running', 'running', 'complete', 'failed', 'lost'),
});

const snapshotArb: fc.Arbitrary<ClusterSnapshot> = fc
  .record({ position: fc.nat(), nodes: nodesArb, deployments: deploymentsArb, drafts: fc.array(allocationArb, { maxLength: 14 }) })
  .map(({ position, nodes, deployments, drafts }) => ({
    position,
    nodes,
    deployments,
    allocations: drafts.map(
      (draft, i): AllocationInfo =>
        mockAllocation({
          id: `a${i}`,
          nodeId: `n${draft.node}`,
          deployment: draft.deployment,
          version: draft.version,
          index: draft.index,
          resources: { cpu: draft.cpu, memory: draft.memory },
          desired: draft.desired,
          status: draft.status,
        }),
    ),
  }));

const options: PlanOptions = { now: 1_700_000_000_000, newId: (key, index) => `new-${key}-${index}` };

function reversed(snapshot: ClusterSnapshot): ClusterSnapshot {
  return { ...snapshot, nodes: [...snapshot.nodes].reverse(), allocations: [...snapshot.allocations].reverse(), deployments: [...snapshot.deployments].reverse() };
}

describe('plan properties', () => {
  it('is deterministic: the same snapshot, in any array order, gives an equal plan', () => {
    fc.assert(
      fc.property(snapshotArb, (snapshot) => {
        const first = plan(snapshot, options);
        expect(plan(snapshot, options)).toEqual(first);
        expect(plan(reversed(snapshot), options)).toEqual(first);
      }),
    );
  });

  it('never fills a node it places on beyond its capacity', () => {
    fc.assert(
      fc.property(snapshotArb, (snapshot) => {
        const harness = new SchedulingHarness(snapshot);
        const result = harness.step();
        for (const nodeId of new Set(result.placements.map((placement) => placement.nodeId))) {
          const node = snapshot.nodes.find((candidate) => candidate.id === nodeId);
          const used = harness.used(nodeId);
          expect(used.cpu).toBeLessThanOrEqual(node?.capacity.cpu ?? -1);
          expect(used.memory).toBeLessThanOrEqual(node?.capacity.memory ?? -1);
        }
      }),
    );
  });

  it('never places on a node failing a node check for the deployment', () => {
    fc.assert(
      fc.property(snapshotArb, (snapshot) => {
        for (const placement of plan(snapshot, options).placements) {
          const node = snapshot.nodes.find((candidate) => candidate.id === placement.nodeId);
          const deployment = snapshot.deployments.find((candidate) => candidate.name === placement.deployment);
          expect(node).toBeDefined();
          expect(deployment?.deleted).toBe(false);
          if (!node || !deployment) continue;
          expect(firstFailure({ node, freeCpu: Infinity, freeMemory: Infinity }, askOf(deployment.spec), nodeChecks)).toBe(feasible);
        }
      }),
    );
  });

  it('never leaves more allocations running than replicas, nor any of a deleted deployment', () => {
    fc.assert(
      fc.property(snapshotArb, (snapshot) => {
        const harness = new SchedulingHarness(snapshot);
        const result = harness.step();
        for (const deployment of snapshot.deployments) {
          const running = harness.running(deployment.namespace, deployment.name);
          if (deployment.deleted) {
            expect(running).toEqual([]);
            expect(result.placements.filter((placement) => placement.deployment === deployment.name)).toEqual([]);
            continue;
          }
          expect(running.length).toBeLessThanOrEqual(deployment.spec.replicas);
          const unplaced = result.unplaced.find((entry) => entry.deployment === deployment.name)?.count ?? 0;
          expect(running.length + unplaced).toBe(deployment.spec.replicas);
          for (const allocation of running) {
            expect(allocation.version).toBe(deployment.version);
            expect(terminalStatuses.has(allocation.status)).toBe(false);
          }
          expect(new Set(running.map((allocation) => allocation.index)).size).toBe(running.length);
        }
        expect(harness.allocations.filter((allocation) => allocation.deployment === 'ghost' && allocation.desired === 'run')).toEqual([]);
      }),
    );
  });

  it('explains each unplaced deployment over every node exactly once', () => {
    fc.assert(
      fc.property(snapshotArb, (snapshot) => {
        for (const entry of plan(snapshot, options).unplaced) {
          expect(entry.count).toBeGreaterThan(0);
          expect(entry.reasons.reduce((sum, reason) => sum + reason.nodes, 0)).toBe(snapshot.nodes.length);
        }
      }),
    );
  });

  it('converges: the plan of an applied plan stops and places nothing', () => {
    fc.assert(
      fc.property(snapshotArb, (snapshot) => {
        const harness = new SchedulingHarness(snapshot);
        harness.step();
        const again = harness.plan();
        expect(again.stops).toEqual([]);
        expect(again.placements).toEqual([]);
      }),
    );
  });

  it('places the deployments of an empty cluster, in key order, where a full scan per replica would', () => {
    const alikeNodesArb = nodesArb.map((nodes) =>
      nodes.map((node) => ({ ...node, capacity: node.capacity.cpu % 1000 === 0 ? { cpu: 4000, memory: 4096 } : { cpu: 8000, memory: 8192 } })),
    );
    fc.assert(
      fc.property(fc.oneof(nodesArb, alikeNodesArb), deploymentsArb, (nodes, deployments) => {
        const candidates = [...nodes]
          .sort((a, b) => (a.id < b.id ? -1 : 1))
          .map((node) => ({ node, freeCpu: node.capacity.cpu, freeMemory: node.capacity.memory, collocated: 0 }));
        const expected: string[] = [];
        for (const deployment of [...deployments].sort((a, b) => (a.name < b.name ? -1 : 1))) {
          if (deployment.deleted) continue;
          const ask = askOf(deployment.spec);
          const eligible = candidates.filter((candidate) => firstFailure(candidate, ask, nodeChecks) === feasible);
          for (const candidate of candidates) candidate.collocated = 0;
          for (let i = 0; i < deployment.spec.replicas; i++) {
            const best = selectNode(eligible, ask, rankers[deployment.spec.strategy]);
            if (!best) break;
            best.freeCpu -= ask.resources.cpu;
            best.freeMemory -= ask.resources.memory;
            best.collocated++;
            expected.push(`${deployment.name}:${best.node.id}`);
          }
        }
        const result = plan({ position: 1, nodes, allocations: [], deployments }, options);
        expect(result.placements.map((placement) => `${placement.deployment}:${placement.nodeId}`)).toEqual(expected);
      }),
    );
  });

  it('places replicas of one deployment where a full scan per replica would', () => {
    fc.assert(
      fc.property(nodesArb, deploymentsArb, (nodes, deployments) => {
        const deployment = deployments.find((candidate) => !candidate.deleted);
        if (!deployment) return;
        const ask = askOf(deployment.spec);
        const candidates: (RankCandidate & { freeCpu: number; freeMemory: number; collocated: number })[] = [...nodes]
          .sort((a, b) => (a.id < b.id ? -1 : 1))
          .filter((node) => firstFailure({ node, freeCpu: 0, freeMemory: 0 }, ask, nodeChecks) === feasible)
          .map((node) => ({ node, freeCpu: node.capacity.cpu, freeMemory: node.capacity.memory, collocated: 0 }));
        const expected: string[] = [];
        for (let i = 0; i < deployment.spec.replicas; i++) {
          const best = selectNode(candidates, ask, rankers[deployment.spec.strategy]);
          if (!best) break;
          best.freeCpu -= ask.resources.cpu;
          best.freeMemory -= ask.resources.memory;
          best.collocated++;
          expected.push(best.node.id);
        }
        const result = plan({ position: 1, nodes, allocations: [], deployments: [deployment] }, options);
        expect(result.placements.map((placement) => placement.nodeId)).toEqual(expected);
        expect(result.placements.map((placement) => placement.allocId)).toEqual(
          expected.map((_, index) => options.newId(deploymentKey(deployment.namespace, deployment.name), index)),
        );
      }),
    );
  });
});
