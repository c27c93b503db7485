import type { AllocationInfo, ClusterSnapshot, DeploymentInfo, NodeInfo, Resources } from '../cluster-snapshot.types.js';
import { plan } from '../cluster.planner.js';
import type { Plan } from '../plan.types.js';

/** The state a harness starts from. */
export interface HarnessState {
  readonly position?: number;
  readonly nodes?: readonly NodeInfo[];
  readonly allocations?: readonly AllocationInfo[];
  readonly deployments?: readonly DeploymentInfo[];
}

/**
 * Nomad's scheduler Harness for Plato: an in-memory cluster state, a planner call that records
 * each plan, and an applier that folds a plan into the state as the state-server would (stops
 * become desired `stop`, placements new `pending` allocations, the position moves on). Ids are
 * `alloc-<position>-<namespace>/<name>-<slot>`, so they never repeat across plans.
 */
export class SchedulingHarness {
  position: number;
  nodes: NodeInfo[];
  allocations: AllocationInfo[];
  deployments: DeploymentInfo[];
  readonly plans: Plan[] = [];

  constructor(state: HarnessState = {}) {
    this.position = state.position ?? 1;
    this.nodes = [...(state.nodes ?? [])];
    this.allocations = [...(state.allocations ?? [])];
    this.deployments = [...(state.deployments ?? [])];
  }

  snapshot(): ClusterSnapshot {
    return { position: this.position, nodes: this.nodes, allocations: this.allocations, deployments: this.deployments };
  }

  /** Plans the current state at `now` and records the plan. */
  plan(now = 0): Plan {
    const position = this.position;
    const result = plan(this.snapshot(), { now, newId: (key, index) => `alloc-${position}-${key}-${index}` });
    this.plans.push(result);
    return result;
  }

  /** Folds `plan` into the state. */
  apply(result: Plan): void {
    const stopped = new Set(result.stops.map((stop) => stop.allocId));
    const recovered = new Set(result.recoveries.map((recovery) => recovery.allocId));
    this.allocations = this.allocations.map((allocation) =>
      stopped.has(allocation.id) ? { ...allocation, desired: 'stop' } : recovered.has(allocation.id) ? { ...allocation, status: 'unknown' } : allocation,
    );
    for (const placement of result.placements) {
      const { allocId, ...rest } = placement;
      this.allocations.push({ id: allocId, ...rest, desired: 'run', status: 'pending' });
    }
    this.position += 1;
  }

  /** Plans and applies; returns the plan. */
  step(now = 0): Plan {
    const result = this.plan(now);
    this.apply(result);
    return result;
  }

  /** Resources of the allocations desired `run` on `nodeId`. */
  used(nodeId: string): Resources {
    let cpu = 0;
    let memory = 0;
    for (const allocation of this.allocations) {
      if (allocation.nodeId !== nodeId || allocation.desired !== 'run') continue;
      cpu += allocation.resources.cpu;
      memory += allocation.resources.memory;
    }
    return { cpu, memory };
  }

  /**
   * The allocations of `namespace/name` desired `run`, by slot, but for those waiting for their
   * node: lost ones, and any on a node that is lost or unknown.
   */
  running(namespace: string, name: string): AllocationInfo[] {
    const liveNodes = new Set(this.nodes.filter((node) => node.state !== 'lost').map((node) => node.id));
    return this.allocations
      .filter(
        (allocation) =>
          allocation.namespace === namespace && allocation.deployment === name && allocation.desired === 'run' && allocation.status !== 'lost' && liveNodes.has(allocation.nodeId),
      )
      .sort((a, b) => a.index - b.index);
  }
}
