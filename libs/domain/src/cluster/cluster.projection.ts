import type { AllocationView, DeploymentDescription, DeploymentSpec, NodeView } from '@plato/contracts';
import {
  absentAllocation,
  allocationIdOf,
  allocationPhaseBegunBy,
  evolveAllocation,
  isAllocationEvent,
  nodeIdOf,
  terminalAllocationStatuses,
  type PlacedAllocation,
} from '../allocation/allocation.aggregate.js';
import { DeploymentsProjection, deploymentIdOf, type ProjectedEvent } from '../deployment/deployments.projection.js';
import type { RolloutState } from '../deployment/deployment.state.js';
import { absentNode, evolveNode, isNodeEvent, type NodeState } from '../node/node.aggregate.js';

/** CPU in millicores and memory in MiB. */
export interface ResourceAmount {
  readonly cpu: number;
  readonly memory: number;
}

/**
 * The cluster as the scheduler reads it, at one log position: the shape `plan()` of
 * @plato/scheduling takes. Allocations that ended and are no longer wanted are left out.
 */
export interface ClusterSnapshotData {
  readonly position: number;
  readonly nodes: readonly {
    readonly id: string;
    readonly state: 'ready' | 'down' | 'lost';
    readonly cordoned: boolean;
    readonly labels: Readonly<Record<string, string>>;
    readonly runtimes: readonly ('docker' | 'lxd')[];
    /** The runtimes of `runtimes` that do not answer now. */
    readonly unavailableRuntimes: readonly ('docker' | 'lxd')[];
    readonly capacity: ResourceAmount;
    /** Present while the node drains: its deadline (ms since the epoch), if one was given. */
    readonly draining?: { readonly deadline?: number };
  }[];
  readonly allocations: readonly {
    readonly id: string;
    readonly nodeId: string;
    readonly namespace: string;
    readonly deployment: string;
    readonly version: number;
    readonly index: number;
    readonly resources: ResourceAmount;
    readonly desired: 'run' | 'stop';
    readonly status: 'pending' | 'running' | 'unknown' | 'complete' | 'failed' | 'lost';
    /** The health check's verdict on the running container, absent until the first. */
    readonly health?: 'healthy' | 'unhealthy';
    /** When it was placed (ms since the epoch). */
    readonly placedAt: number;
    /** While it serves (runs, and passes its health check if its spec has one): since when (ms). */
    readonly servingSince?: number;
    /** When an earlier serving span first lasted its spec's `update.min_healthy_time` (ms), if one did. */
    readonly provenAt?: number;
  }[];
  readonly deployments: readonly {
    readonly namespace: string;
    readonly name: string;
    readonly version: number;
    readonly spec: DeploymentSpec;
    readonly deleted: boolean;
    /** The deployment's latest failures (its allocations ending `failed` while wanted), oldest first. */
    readonly failures: readonly AllocationFailure[];
    /** Earlier versions that run the same workload as the current one (their allocations are kept as they are). */
    readonly compatible: readonly number[];
    /** The latest rollout, with its times. */
    readonly rollout?: RolloutTimes & Omit<RolloutState, 'reason' | 'revertTo' | 'afterFailureOf'>;
  }[];
}

/** When a rollout started, reached its status, and last made a user-visible start (started, resumed, promoted): ms since the epoch. */
export interface RolloutTimes {
  readonly startedAt: number;
  readonly since: number;
  /** The progress deadline counts from here, or from the last replica that proved healthy. */
  readonly progressSince: number;
}

/**
 * One allocation of a deployment that failed for good while wanted running: its slot, node and
 * version, when (`at`, ms since the epoch, the event's time) and why (`cause`).
 */
export interface AllocationFailure {
  readonly allocId: string;
  readonly index: number;
  readonly nodeId: string;
  readonly version: number;
  readonly at: number;
  readonly cause: string;
}

/** How many failures the projection keeps per deployment, the newest. */
export const failuresKept = 64;

/** A deployment's degraded state as the log last recorded it (DeploymentDegraded). */
export interface DegradedEntry {
  readonly version: number;
  readonly reason: string;
  readonly failing: readonly number[];
  readonly givenUp: readonly number[];
  readonly since: string;
}

interface NodeEntry {
  state: Extract<NodeState, { status: 'registered' }>;
  revision: number;
  /** When the drain in `state.drain` started, or ended as drained. */
  drainSince?: string;
}

interface AllocationEntry {
  state: PlacedAllocation;
  revision: number;
  placedAt: string;
  updatedAt: string;
  /** When the health verdict in `state.health` was written. */
  healthSince?: string;
  /** When the phase in `state.phase` began. */
  phaseSince: string;
  /** `placedAt` in ms since the epoch. */
  placedAtMs: number;
  /** While it serves: since when (ms). */
  servingSince?: number;
  /** When a serving span first lasted `update.min_healthy_time` (ms). */
  provenAt?: number;
}

interface PlacementEntry {
  version: number;
  missing: number;
  summary: string;
  reasons: { check: string; nodes: number }[];
}

const epoch = new Date(0).toISOString();

/**
 * The read model of the whole cluster: deployments, nodes, allocations and placement blockages,
 * folded from the log through each aggregate's own `evolve` (so it cannot disagree with them).
 * Feed it every event in position order with {@link apply}. Allocations are indexed by node and by
 * deployment so that views and snapshots do not rescan everything. Deterministic: the same
 * events give the same views.
 */
export class ClusterProjection {
  /** The deployments, folded by the Deployment aggregate's projection. */
  readonly deployments = new DeploymentsProjection();
  private readonly nodes = new Map<string, NodeEntry>();
  private readonly allocations = new Map<string, AllocationEntry>();
  private readonly byNode = new Map<string, Set<string>>();
  private readonly byDeployment = new Map<string, Set<string>>();
  private readonly placements = new Map<string, PlacementEntry>();
  private readonly failures = new Map<string, AllocationFailure[]>();
  private readonly degradedByKey = new Map<string, DegradedEntry>();
  private readonly draining = new Set<string>();
  private readonly rolloutTimes = new Map<string, RolloutTimes>();
  private lastPosition = 0;

  /** The position of the last event applied, 0 before the first. */
  get position(): number {
    return this.lastPosition;
  }

  /** Folds one event in; events of other kinds are ignored, and events before {@link position} skipped. */
  apply(event: ProjectedEvent): void {
    if (event.position < this.lastPosition) return;
    this.lastPosition = event.position;
    this.deployments.apply(event);
    const at = event.created?.toISOString() ?? epoch;
    const nodeId = nodeIdOf(event.stream);
    if (nodeId !== undefined && isNodeEvent(event)) {
      const entry = this.nodes.get(nodeId);
      const next = evolveNode(entry?.state ?? absentNode, event);
      if (next.status !== 'registered') return;
      if (next.drain?.status === 'draining') this.draining.add(nodeId);
      else this.draining.delete(nodeId);
      const drainSince = next.drain === undefined ? undefined : next.drain.status === entry?.state.drain?.status ? entry.drainSince : at;
      this.nodes.set(nodeId, { state: next, revision: event.position, ...(drainSince !== undefined ? { drainSince } : {}) });
      return;
    }
    const allocId = allocationIdOf(event.stream);
    if (allocId !== undefined && isAllocationEvent(event)) {
      const entry = this.allocations.get(allocId.allocId);
      const before = entry?.state ?? absentAllocation;
      const next = evolveAllocation(before, event);
      if (next.status === 'absent') return;
      if (!entry) {
        index(this.byNode, next.placement.nodeId, allocId.allocId);
        index(this.byDeployment, `${next.placement.namespace}/${next.placement.deployment}`, allocId.allocId);
      }
      if (next.status === 'failed' && entry?.state.status !== 'failed' && next.desired === 'run') this.recordFailure(allocId.allocId, next, at);
      const healthSince = next.health === undefined ? undefined : next.health === entry?.state.health ? entry.healthSince : at;
      const atMs = event.created?.getTime() ?? 0;
      const serving = servingTimes(entry, next, atMs);
      this.allocations.set(allocId.allocId, {
        state: next,
        revision: event.position,
        placedAt: entry?.placedAt ?? at,
        updatedAt: at,
        ...(healthSince !== undefined ? { healthSince } : {}),
        phaseSince: allocationPhaseBegunBy(before, event) || !entry ? at : entry.phaseSince,
        placedAtMs: entry?.placedAtMs ?? atMs,
        ...serving,
      });
      return;
    }
    const deployment = deploymentIdOf(event.stream);
    if (deployment === undefined) return;
    const key = `${deployment.namespace}/${deployment.name}`;
    this.foldRolloutTimes(key, event.type, event.created?.getTime() ?? 0);
    if (event.type === 'DeploymentPlacementBlocked') {
      const data = event.data as PlacementEntry;
      this.placements.set(key, { version: data.version, missing: data.missing, summary: data.summary, reasons: data.reasons });
    } else if (event.type === 'DeploymentPlacementUnblocked' || event.type === 'DeploymentDeleted') {
      this.placements.delete(key);
    }
    if (event.type === 'DeploymentDegraded') {
      const data = event.data as Omit<DegradedEntry, 'since'>;
      this.degradedByKey.set(key, { version: data.version, reason: data.reason, failing: data.failing, givenUp: data.givenUp, since: this.degradedByKey.get(key)?.since ?? at });
    } else if (event.type === 'DeploymentRestored' || event.type === 'DeploymentDeleted') {
      this.degradedByKey.delete(key);
    }
  }

  private foldRolloutTimes(key: string, type: string, at: number): void {
    const times = this.rolloutTimes.get(key);
    if (type === 'RolloutStarted') this.rolloutTimes.set(key, { startedAt: at, since: at, progressSince: at });
    else if (!times) return;
    else if (type === 'RolloutResumed' || type === 'RolloutPromoted') this.rolloutTimes.set(key, { ...times, since: at, progressSince: at });
    else if (type === 'RolloutPaused' || type === 'RolloutCompleted' || type === 'RolloutFailed') this.rolloutTimes.set(key, { ...times, since: at });
  }

  /** When the deployment's latest rollout started, reached its status, and last made a fresh start; undefined without one. */
  rolloutTimesOf(namespace: string, name: string): RolloutTimes | undefined {
    return this.rolloutTimes.get(`${namespace}/${name}`);
  }

  private recordFailure(allocId: string, state: PlacedAllocation, at: string): void {
    const p = state.placement;
    const key = `${p.namespace}/${p.deployment}`;
    const list = this.failures.get(key) ?? [];
    const cause = state.failure ?? `exit code ${state.exitCode ?? 'unknown'}`;
    list.push({ allocId, index: p.index, nodeId: p.nodeId, version: p.version, at: Date.parse(at), cause });
    if (list.length > failuresKept) list.splice(0, list.length - failuresKept);
    this.failures.set(key, list);
  }

  /** Whether any node drains now (constant time; for the scheduler's per-event trigger). */
  get anyDraining(): boolean {
    return this.draining.size > 0;
  }

  /** The nodes draining now, with their deadlines (ms since the epoch) where given. */
  drains(): { readonly nodeId: string; readonly deadline?: number }[] {
    return [...this.draining].map((nodeId) => {
      const deadline = this.nodes.get(nodeId)?.state.drain?.deadline;
      return deadline !== undefined ? { nodeId, deadline: Date.parse(deadline) } : { nodeId };
    });
  }

  /** Whether the deployment's current version has a rollout running (constant time; for the scheduler's per-event trigger). */
  rollingOut(namespace: string, name: string): boolean {
    const { state } = this.deployments.stateOf(namespace, name);
    return state.status === 'live' && state.rollout?.version === state.version && state.rollout.status === 'running';
  }

  /** The deployment's degraded state as last recorded, undefined when it is not degraded. */
  degradedOf(namespace: string, name: string): DegradedEntry | undefined {
    return this.degradedByKey.get(`${namespace}/${name}`);
  }

  /** CPU and memory held on a node by allocations wanted running that have not ended. */
  allocated(nodeId: string): ResourceAmount {
    let cpu = 0;
    let memory = 0;
    for (const entry of this.entriesOn(nodeId)) {
      if (!holdsResources(entry.state)) continue;
      cpu += entry.state.placement.spec.resources.cpu;
      memory += entry.state.placement.spec.resources.memory;
    }
    return { cpu, memory };
  }

  /** A node as queries show it; undefined if it never registered. */
  node(nodeId: string): NodeView | undefined {
    const entry = this.nodes.get(nodeId);
    if (!entry) return undefined;
    const { facts, cordoned, liveness, unavailableRuntimes, drain } = entry.state;
    return {
      nodeId,
      hostname: facts.hostname,
      state: liveness,
      cordoned,
      capacity: facts.capacity,
      allocated: this.allocated(nodeId),
      labels: facts.labels,
      runtimes: facts.runtimes,
      unavailableRuntimes: facts.runtimes.flatMap((runtime) => {
        const reason = unavailableRuntimes[runtime];
        return reason === undefined ? [] : [{ runtime, reason }];
      }),
      ...(drain ? { drain: { status: drain.status, since: entry.drainSince ?? epoch, ...(drain.deadline !== undefined ? { deadline: drain.deadline } : {}) } } : {}),
      allocations: this.entriesOn(nodeId).filter((e) => holdsResources(e.state)).length,
      revision: entry.revision,
    };
  }

  /** Every registered node, by id. */
  nodeList(): NodeView[] {
    return [...this.nodes.keys()].sort().map((id) => this.node(id)!);
  }

  /** The registered node's state, for the plan applier and liveness. */
  nodeState(nodeId: string): NodeEntry['state'] | undefined {
    return this.nodes.get(nodeId)?.state;
  }

  /** One allocation's state, undefined if never placed. */
  allocation(allocId: string): PlacedAllocation | undefined {
    return this.allocations.get(allocId)?.state;
  }

  /** One allocation as queries show them, ended ones included; undefined if never placed. */
  allocationView(allocId: string): AllocationView | undefined {
    const entry = this.allocations.get(allocId);
    return entry ? toAllocationView(allocId, entry) : undefined;
  }

  /** Allocations as queries show them, filtered; ended ones only with `includeTerminal`. */
  allocationList(filter: { namespace?: string; deployment?: string; nodeId?: string; includeTerminal?: boolean } = {}): AllocationView[] {
    let ids: Iterable<string>;
    if (filter.namespace !== undefined && filter.deployment !== undefined) {
      ids = this.byDeployment.get(`${filter.namespace}/${filter.deployment}`) ?? [];
    } else if (filter.nodeId !== undefined) ids = this.byNode.get(filter.nodeId) ?? [];
    else ids = this.allocations.keys();
    const views: AllocationView[] = [];
    for (const id of ids) {
      const entry = this.allocations.get(id)!;
      const p = entry.state.placement;
      if (filter.namespace !== undefined && p.namespace !== filter.namespace) continue;
      if (filter.deployment !== undefined && p.deployment !== filter.deployment) continue;
      if (filter.nodeId !== undefined && p.nodeId !== filter.nodeId) continue;
      if (!filter.includeTerminal && terminalAllocationStatuses.has(entry.state.status)) continue;
      views.push(toAllocationView(id, entry));
    }
    return views.sort(
      (a, b) => a.namespace.localeCompare(b.namespace) || a.deployment.localeCompare(b.deployment) || a.index - b.index || a.revision - b.revision,
    );
  }

  /** A deployment with its allocations (ended ones included) and placement; undefined if it never existed. */
  describe(namespace: string, name: string): DeploymentDescription | undefined {
    const deployment = this.deployments.get(namespace, name);
    if (!deployment) return undefined;
    const placement = this.placements.get(`${namespace}/${name}`);
    const degraded = this.degradedByKey.get(`${namespace}/${name}`);
    const { state } = this.deployments.stateOf(namespace, name);
    return {
      deployment,
      compatible: state.status === 'absent' ? [] : [...state.compatible],
      allocations: this.allocationList({ namespace, deployment: name, includeTerminal: true }),
      placement: placement
        ? { blocked: true, missing: placement.missing, summary: placement.summary, reasons: placement.reasons }
        : { blocked: false, missing: 0, summary: '', reasons: [] },
      ...(degraded ? { degraded: { ...degraded, failing: [...degraded.failing], givenUp: [...degraded.givenUp] } } : {}),
    };
  }

  /** The current blockage of a deployment, as last written. */
  placementOf(namespace: string, name: string): PlacementEntry | undefined {
    return this.placements.get(`${namespace}/${name}`);
  }

  /** The non-terminal allocations of a node wanted running (what a lost node loses). */
  liveAllocationsOn(nodeId: string): string[] {
    return this.entriesOn(nodeId)
      .filter((e) => !terminalAllocationStatuses.has(e.state.status))
      .map((e) => e.state.placement.allocId);
  }

  /** What the scheduler plans from. */
  snapshot(): ClusterSnapshotData {
    const nodes = [...this.nodes.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([id, { state }]) => ({
        id,
        state: state.liveness,
        cordoned: state.cordoned,
        labels: state.facts.labels,
        runtimes: state.facts.runtimes,
        unavailableRuntimes: state.facts.runtimes.filter((runtime) => state.unavailableRuntimes[runtime] !== undefined),
        capacity: state.facts.capacity,
        ...(state.drain?.status === 'draining' ? { draining: state.drain.deadline !== undefined ? { deadline: Date.parse(state.drain.deadline) } : {} } : {}),
      }));
    const allocations: ClusterSnapshotData['allocations'][number][] = [];
    for (const [id, entry] of this.allocations) {
      if (entry.state.desired === 'stop' && terminalAllocationStatuses.has(entry.state.status)) continue;
      allocations.push(snapshotAllocation(id, entry));
    }
    const deployments = this.deploymentStates();
    return { position: this.lastPosition, nodes, allocations, deployments };
  }

  private deploymentStates(): ClusterSnapshotData['deployments'][number][] {
    const result: ClusterSnapshotData['deployments'][number][] = [];
    for (const view of this.deployments.all()) result.push(this.deploymentInfo(view));
    return result;
  }

  private deploymentInfo(view: { namespace: string; name: string; version: number; spec: DeploymentSpec; deleted: boolean }): ClusterSnapshotData['deployments'][number] {
    const key = `${view.namespace}/${view.name}`;
    const failures = this.failures.get(key) ?? [];
    const { state } = this.deployments.stateOf(view.namespace, view.name);
    const compatible = state.status === 'absent' ? [] : state.compatible;
    const rollout = state.status === 'absent' ? undefined : state.rollout;
    const times = this.rolloutTimes.get(key);
    return {
      namespace: view.namespace,
      name: view.name,
      version: view.version,
      spec: view.spec,
      deleted: view.deleted,
      failures,
      compatible,
      ...(rollout && times ? { rollout: rolloutInfo(rollout, times) } : {}),
    };
  }

  /**
   * One deployment and its allocations as {@link snapshot} holds them (the allocations wanted or
   * not yet ended); undefined when it never existed. What a query about one deployment's rollout
   * or plan reads, without a snapshot of the whole cluster.
   */
  deploymentSnapshot(namespace: string, name: string): { deployment: ClusterSnapshotData['deployments'][number]; allocations: ClusterSnapshotData['allocations'] } | undefined {
    const view = this.deployments.get(namespace, name);
    if (!view) return undefined;
    const allocations: ClusterSnapshotData['allocations'][number][] = [];
    for (const id of this.byDeployment.get(`${namespace}/${name}`) ?? []) {
      const entry = this.allocations.get(id)!;
      const { state } = entry;
      if (state.desired === 'stop' && terminalAllocationStatuses.has(state.status)) continue;
      allocations.push(snapshotAllocation(id, entry));
    }
    return { deployment: this.deploymentInfo(view), allocations };
  }

  private entriesOn(nodeId: string): AllocationEntry[] {
    return [...(this.byNode.get(nodeId) ?? [])].map((id) => this.allocations.get(id)!);
  }
}

function snapshotAllocation(id: string, entry: AllocationEntry): ClusterSnapshotData['allocations'][number] {
  const { state } = entry;
  const p = state.placement;
  return {
    id,
    nodeId: p.nodeId,
    namespace: p.namespace,
    deployment: p.deployment,
    version: p.version,
    index: p.index,
    resources: p.spec.resources,
    desired: state.desired,
    status: state.status,
    ...(state.health !== undefined ? { health: state.health } : {}),
    placedAt: entry.placedAtMs,
    ...(entry.servingSince !== undefined ? { servingSince: entry.servingSince } : {}),
    ...(entry.provenAt !== undefined ? { provenAt: entry.provenAt } : {}),
  };
}

/** A rollout as the scheduler reads it: the aggregate's rollout state with its times. */
export function rolloutInfo(rollout: RolloutState, times: RolloutTimes): NonNullable<ClusterSnapshotData['deployments'][number]['rollout']> {
  return {
    version: rollout.version,
    ...(rollout.from !== undefined ? { from: rollout.from } : {}),
    ...(rollout.revertOf !== undefined ? { revertOf: rollout.revertOf } : {}),
    status: rollout.status,
    promoted: rollout.promoted,
    ...times,
  };
}

/** Whether an allocation serves: it runs and, if its spec has a health check, passes it. */
function serves(state: PlacedAllocation): boolean {
  return state.status === 'running' && (state.placement.spec.health === undefined || state.health === 'healthy');
}

/**
 * The serving times of an allocation after an event at `at` (ms): a span starts when it begins to
 * serve; when a span ends having lasted its spec's `update.min_healthy_time`, the allocation is
 * proven from the moment the span reached it (kept for good, as Nomad keeps a deployment's healthy
 * verdict). A span still running is judged by the scheduler at its own `now`.
 */
function servingTimes(entry: AllocationEntry | undefined, next: PlacedAllocation, at: number): Pick<AllocationEntry, 'servingSince' | 'provenAt'> {
  const since = entry?.servingSince;
  let provenAt = entry?.provenAt;
  if (serves(next)) return { servingSince: since ?? at, ...(provenAt !== undefined ? { provenAt } : {}) };
  if (since !== undefined && provenAt === undefined) {
    const minHealthy = next.placement.spec.update?.min_healthy_time ?? 0;
    if (at - since >= minHealthy) provenAt = since + minHealthy;
  }
  return provenAt !== undefined ? { provenAt } : {};
}

function holdsResources(state: PlacedAllocation): boolean {
  return state.desired === 'run' && !terminalAllocationStatuses.has(state.status);
}

function index(map: Map<string, Set<string>>, key: string, id: string): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(id);
}

function toAllocationView(allocId: string, entry: AllocationEntry): AllocationView {
  const { state } = entry;
  const p = state.placement;
  return {
    allocId,
    nodeId: p.nodeId,
    namespace: p.namespace,
    deployment: p.deployment,
    version: p.version,
    index: p.index,
    runtime: p.spec.runtime,
    image: p.spec.image,
    resources: p.spec.resources,
    desired: state.desired,
    status: state.status,
    state: {
      phase: state.phase.name,
      since: entry.phaseSince,
      ...(state.phase.reason !== undefined ? { reason: state.phase.reason } : {}),
      ...(state.phase.exitCode !== undefined ? { exitCode: state.phase.exitCode } : {}),
    },
    ...(state.stopReason !== undefined ? { stopReason: state.stopReason } : {}),
    ...(state.exitCode !== undefined ? { exitCode: state.exitCode } : {}),
    ...(state.failure !== undefined ? { failure: state.failure } : {}),
    ...(state.containerId !== undefined ? { containerId: state.containerId } : {}),
    ...(state.restarts !== undefined ? { restarts: state.restarts } : {}),
    ...(state.restartDelayMs !== undefined && state.status === 'pending' ? { restartDelayMs: state.restartDelayMs } : {}),
    ...(state.health !== undefined
      ? { health: { status: state.health, ...(state.healthReason !== undefined ? { reason: state.healthReason } : {}), since: entry.healthSince ?? entry.updatedAt } }
      : {}),
    ports: [...state.ports],
    placedAt: entry.placedAt,
    updatedAt: entry.updatedAt,
    revision: entry.revision,
  };
}
