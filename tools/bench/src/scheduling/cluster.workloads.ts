import { DeploymentSpec } from '@plato/contracts';
import type { ClusterSnapshot, DeploymentInfo, NodeInfo } from '@plato/scheduling';

/** A deterministic pseudo-random generator (mulberry32), so every run plans the same inputs. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** What the cluster of a run holds, counted, for the report. */
export interface ClusterSummary {
  nodes: number;
  ready: number;
  cordoned: number;
  down: number;
  lost: number;
  dockerOnly: number;
  lxdOnly: number;
  both: number;
  cpuMillicores: number;
  memoryMiB: number;
}

/**
 * `count` nodes of varied capacity (8–48 cores, 16–96 GiB), labels `rack` (a–d), `zone` (z1–z3),
 * `ssd` (half) and `gpu` (a tenth), runtimes docker + lxd (70 %), docker only (20 %) or lxd only
 * (10 %); about 3 % cordoned, 1 % down and 0.5 % lost. Returned in a shuffled order, not by id.
 */
export function buildNodes(count: number, seed = 1): NodeInfo[] {
  const random = seeded(seed);
  const nodes: NodeInfo[] = [];
  for (let i = 0; i < count; i++) {
    const roll = random();
    const runtimes: NodeInfo['runtimes'] = roll < 0.7 ? ['docker', 'lxd'] : roll < 0.9 ? ['docker'] : ['lxd'];
    const health = random();
    nodes.push({
      id: `node-${String(i).padStart(4, '0')}`,
      state: health < 0.01 ? 'down' : health < 0.015 ? 'lost' : 'ready',
      cordoned: random() < 0.03,
      labels: {
        rack: pick(random, ['a', 'b', 'c', 'd']),
        zone: pick(random, ['z1', 'z2', 'z3']),
        ...(random() < 0.5 ? { ssd: 'yes' } : {}),
        ...(random() < 0.1 ? { gpu: 'nvidia' } : {}),
      },
      runtimes,
      capacity: { cpu: pick(random, [8000, 16000, 32000, 48000]), memory: pick(random, [16384, 32768, 65536, 98304]) },
    });
  }
  for (let i = nodes.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [nodes[i], nodes[j]] = [nodes[j] as NodeInfo, nodes[i] as NodeInfo];
  }
  return nodes;
}

/** Counts what a node list holds. */
export function summarizeCluster(nodes: readonly NodeInfo[]): ClusterSummary {
  const count = (test: (node: NodeInfo) => boolean): number => nodes.filter(test).length;
  return {
    nodes: nodes.length,
    ready: count((node) => node.state === 'ready'),
    cordoned: count((node) => node.cordoned),
    down: count((node) => node.state === 'down'),
    lost: count((node) => node.state === 'lost'),
    dockerOnly: count((node) => node.runtimes.length === 1 && node.runtimes[0] === 'docker'),
    lxdOnly: count((node) => node.runtimes.length === 1 && node.runtimes[0] === 'lxd'),
    both: count((node) => node.runtimes.length === 2),
    cpuMillicores: nodes.reduce((sum, node) => sum + node.capacity.cpu, 0),
    memoryMiB: nodes.reduce((sum, node) => sum + node.capacity.memory, 0),
  };
}

/** One benchmarked input: deployments of one shape on the common nodes, no allocations yet. */
export interface Workload {
  /** `1×10 000 binpack`, `10 000×1`, …: deployments × replicas each. */
  name: string;
  deployments: number;
  replicasEach: number;
  snapshot: ClusterSnapshot;
}

const constraintSets: readonly (readonly string[])[] = [[], [], [], [], ['ssd'], ['rack in (a,b)'], ['zone!=z3'], ['!gpu', 'rack!=d']];
const cpuSizes = [250, 500, 1000, 2000];
const memorySizes = [256, 512, 1024, 2048];

function deployment(name: string, replicas: number, spec: Partial<DeploymentSpec>): DeploymentInfo {
  const parsed = DeploymentSpec.parse({ image: 'plato/busybox:latest', ...spec, name, namespace: 'bench', replicas });
  return { namespace: 'bench', name, version: 1, deleted: false, spec: parsed };
}

/**
 * `deployments` deployments of `replicasEach` replicas on `nodes`. One deployment is plain docker
 * with 1 core and 1 GiB per replica; several draw their shape from a fixed menu (4 CPU × 4 memory
 * sizes, a fifth on lxd, binpack or spread alternately, a quarter with constraints from
 * {@link constraintSets}), so deployments of the same shape recur as templates would.
 */
export function workload(nodes: readonly NodeInfo[], deployments: number, replicasEach: number, strategy?: DeploymentSpec['strategy'], seed = 7): Workload {
  const random = seeded(seed);
  const width = String(deployments - 1).length;
  const infos: DeploymentInfo[] = [];
  for (let i = 0; i < deployments; i++) {
    const name = `app-${String(i).padStart(width, '0')}`;
    if (deployments === 1) {
      infos.push(deployment(name, replicasEach, { resources: { cpu: 1000, memory: 1024 }, strategy: strategy ?? 'binpack' }));
      continue;
    }
    infos.push(
      deployment(name, replicasEach, {
        resources: { cpu: pick(random, cpuSizes), memory: pick(random, memorySizes) },
        runtime: random() < 0.2 ? 'lxd' : 'docker',
        constraints: [...pick(random, constraintSets)],
        strategy: strategy ?? (i % 2 === 0 ? 'binpack' : 'spread'),
      }),
    );
  }
  for (let i = infos.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [infos[i], infos[j]] = [infos[j] as DeploymentInfo, infos[i] as DeploymentInfo];
  }
  const count = (n: number): string => n.toLocaleString('en-US').replace(/,/g, ' ');
  return {
    name: `${count(deployments)}×${count(replicasEach)}${strategy ? ` ${strategy}` : ''}`,
    deployments,
    replicasEach,
    snapshot: { position: 1_000, nodes: [...nodes], allocations: [], deployments: infos },
  };
}

/** The shapes of the issue, 10 000 replicas each, on the same nodes. */
export function standardWorkloads(nodes: readonly NodeInfo[]): Workload[] {
  return [
    workload(nodes, 1, 10_000, 'binpack'),
    workload(nodes, 1, 10_000, 'spread'),
    workload(nodes, 100, 100),
    workload(nodes, 1_000, 10),
    workload(nodes, 10_000, 1),
  ];
}
