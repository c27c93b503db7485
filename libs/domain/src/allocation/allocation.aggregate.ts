import {
  ErrorCode,
  PlatoError,
  isNormalExit,
  restartNote,
  restartPolicyOf,
  type AllocationReport,
  type AllocationStatus,
  type EventDataOf,
  type AllocationExited,
  type AllocationFailed,
  type AllocationLost,
  type AllocationRecovered,
  type AllocationUnhealthy,
  type HealthStatus,
  type AllocationPhase,
  type AllocationPlaced,
  type AllocationPullBegan,
  type AllocationStartBegan,
  type AllocationStarted,
  type AllocationStopBegan,
  type AllocationStopRequested,
  type AllocationUnknown,
  type PublishedPort,
} from '@plato/contracts';

/** What an allocation was placed with: its deployment, version, slot and the whole spec. */
export type AllocationPlacement = EventDataOf<typeof AllocationPlaced>;

/** A reason an allocation is stopped. */
export type StopReason = EventDataOf<typeof AllocationStopRequested>['reason'];

/**
 * A phase an allocation entered (see the contracts' `AllocationPhase`), with why: the reason the
 * event that began it gives, the exit code of `exited`, the container of `starting`/`running`/`stopping`.
 */
export interface AllocationPhaseStep {
  readonly name: AllocationPhase;
  readonly reason?: string;
  readonly exitCode?: number;
  readonly containerId?: string;
}

/**
 * What the Allocation aggregate knows of one allocation, folded from `alloc.<nodeId>.<allocId>`:
 * absent, or placed with what the control plane wants (`desired`) and what the agent last
 * reported (`status`, with the container, exit code or failure, the restarts of its container, and
 * the health check's verdict on the running container: `health`, with the last unhealthy
 * `healthReason`). `phase` is the finer step of its life beside `status`; no `status` ever depends
 * on it.
 */
export type AllocationState =
  | { readonly status: 'absent' }
  | {
      readonly status: AllocationStatus;
      readonly placement: AllocationPlacement;
      readonly desired: 'run' | 'stop';
      readonly stopReason?: StopReason;
      readonly containerId?: string;
      readonly ports: readonly PublishedPort[];
      readonly exitCode?: number;
      readonly failure?: string;
      /** Restarts of its container since it was placed (`AllocationExited` with `willRestart`). */
      readonly restarts?: number;
      /** While pending after an exit: the wait the agent announced before the restart. */
      readonly restartDelayMs?: number;
      /** The health check's verdict on the current container; absent until the first, reset by every start and end. */
      readonly health?: HealthStatus;
      readonly healthReason?: string;
      /** Where the allocation is in its life; see {@link allocationPhaseBegunBy}. */
      readonly phase: AllocationPhaseStep;
    };

/** A placed allocation's state. */
export type PlacedAllocation = Exclude<AllocationState, { status: 'absent' }>;

/** The state of an allocation whose stream has no event. */
export const absentAllocation: AllocationState = Object.freeze({ status: 'absent' });

/** An event of the Allocation aggregate. */
export type AllocationEvent =
  | { readonly type: 'AllocationPlaced'; readonly data: AllocationPlacement }
  | { readonly type: 'AllocationStopRequested'; readonly data: EventDataOf<typeof AllocationStopRequested> }
  | { readonly type: 'AllocationPullBegan'; readonly data: EventDataOf<typeof AllocationPullBegan> }
  | { readonly type: 'AllocationStartBegan'; readonly data: EventDataOf<typeof AllocationStartBegan> }
  | { readonly type: 'AllocationStarted'; readonly data: EventDataOf<typeof AllocationStarted> }
  | { readonly type: 'AllocationExited'; readonly data: EventDataOf<typeof AllocationExited> }
  | { readonly type: 'AllocationFailed'; readonly data: EventDataOf<typeof AllocationFailed> }
  | { readonly type: 'AllocationUnknown'; readonly data: EventDataOf<typeof AllocationUnknown> }
  | { readonly type: 'AllocationHealthy'; readonly data: Record<string, never> }
  | { readonly type: 'AllocationUnhealthy'; readonly data: EventDataOf<typeof AllocationUnhealthy> }
  | { readonly type: 'AllocationStopBegan'; readonly data: EventDataOf<typeof AllocationStopBegan> }
  | { readonly type: 'AllocationStopped'; readonly data: Record<string, never> }
  | { readonly type: 'AllocationLost'; readonly data: EventDataOf<typeof AllocationLost> }
  | { readonly type: 'AllocationRecovered'; readonly data: EventDataOf<typeof AllocationRecovered> };

/** A command the Allocation aggregate decides on. */
export type AllocationCommand =
  | { readonly type: 'PlaceAllocation'; readonly placement: AllocationPlacement }
  | { readonly type: 'StopAllocation'; readonly reason: StopReason }
  | { readonly type: 'ReportAllocation'; readonly nodeId: string; readonly allocId: string; readonly report: AllocationReport }
  | { readonly type: 'MarkAllocationLost'; readonly nodeId: string }
  | { readonly type: 'RecoverAllocation'; readonly nodeId: string };

const allocationEventTypes: ReadonlySet<string> = new Set<AllocationEvent['type']>([
  'AllocationPlaced',
  'AllocationStopRequested',
  'AllocationPullBegan',
  'AllocationStartBegan',
  'AllocationStarted',
  'AllocationExited',
  'AllocationFailed',
  'AllocationUnknown',
  'AllocationHealthy',
  'AllocationUnhealthy',
  'AllocationStopBegan',
  'AllocationStopped',
  'AllocationLost',
  'AllocationRecovered',
]);

/** True when `event` is one of the Allocation aggregate's events. */
export function isAllocationEvent(event: { type: string; data: unknown }): event is AllocationEvent {
  return allocationEventTypes.has(event.type);
}

/** The statuses after which an allocation never runs again and holds no resources. */
export const terminalAllocationStatuses: ReadonlySet<AllocationStatus> = new Set<AllocationStatus>(['complete', 'failed', 'lost']);

/** The allocation does not exist. Code `NOT_FOUND`. */
export class AllocationNotFound extends PlatoError {
  constructor(allocId: string) {
    super(ErrorCode.NotFound, `allocation ${allocId} not found`, { kind: 'allocation', allocId });
  }
}

/** A node reported on an allocation placed on another node. Code `CONFLICT`. */
export class AllocationNotOnNode extends PlatoError {
  constructor(allocId: string, nodeId: string, actualNodeId: string) {
    super(ErrorCode.Conflict, `allocation ${allocId} is on node ${actualNodeId}, not ${nodeId}`, { allocId, nodeId, actualNodeId });
  }
}

/**
 * Decides what a command changes about one allocation. Pure; reports that change nothing (the
 * same container started again, a second stop, a health verdict it already has, a step the log
 * already shows the allocation in) decide no events, so agents may repeat them. The steps an agent
 * began (`pulling`, `starting`, `stopping`) are written only while the allocation has not ended,
 * `pulling` only while it is wanted running and `stopping` only once its stop was requested. A health verdict counts only about the container the allocation runs
 * now: one about a replaced or stopped container is too late and decides nothing. A lost
 * allocation takes no report (one an agent queued while cut off arrives too late): only the
 * scheduler's `RecoverAllocation`, of a lost allocation still wanted running, brings it back.
 */
export function decideAllocation(state: AllocationState, command: AllocationCommand): AllocationEvent[] {
  if (command.type === 'PlaceAllocation') return state.status === 'absent' ? [{ type: 'AllocationPlaced', data: command.placement }] : [];
  if (state.status === 'absent') {
    if (command.type === 'ReportAllocation') throw new AllocationNotFound(command.allocId);
    return [];
  }
  switch (command.type) {
    case 'StopAllocation':
      return state.desired === 'stop' ? [] : [{ type: 'AllocationStopRequested', data: { reason: command.reason } }];
    case 'MarkAllocationLost':
      return terminalAllocationStatuses.has(state.status) ? [] : [{ type: 'AllocationLost', data: { nodeId: command.nodeId } }];
    case 'RecoverAllocation':
      return state.status === 'lost' && state.desired === 'run' ? [{ type: 'AllocationRecovered', data: { nodeId: command.nodeId } }] : [];
    case 'ReportAllocation':
      if (command.nodeId !== state.placement.nodeId) throw new AllocationNotOnNode(command.allocId, command.nodeId, state.placement.nodeId);
      if (state.status === 'lost') return [];
      return decideReport(state, command.report);
  }
}

function decideReport(state: PlacedAllocation, report: AllocationReport): AllocationEvent[] {
  switch (report.kind) {
    case 'started':
      if (state.status === 'running' && state.containerId === report.containerId) return [];
      return [{ type: 'AllocationStarted', data: { containerId: report.containerId, ports: report.ports } }];
    case 'exited': {
      const next = exitedStatus(state, report.exitCode, report.willRestart);
      if (state.status === next && state.exitCode === report.exitCode) return [];
      const { kind: _kind, ...exit } = report;
      return [{ type: 'AllocationExited', data: exit }];
    }
    case 'failed':
      if (state.status === 'failed' && state.failure === report.reason) return [];
      return [{ type: 'AllocationFailed', data: { reason: report.reason } }];
    case 'stopped':
      if (state.status === 'complete' && state.desired === 'stop') return [];
      return [{ type: 'AllocationStopped', data: {} }];
    case 'unknown':
      if (state.status === 'unknown' || terminalAllocationStatuses.has(state.status)) return [];
      return [{ type: 'AllocationUnknown', data: { reason: report.reason } }];
    case 'healthy':
      if (state.status !== 'running' || state.containerId !== report.containerId || state.health === 'healthy') return [];
      return [{ type: 'AllocationHealthy', data: {} }];
    case 'unhealthy':
      if (state.status !== 'running' || state.containerId !== report.containerId || state.health === 'unhealthy') return [];
      return [{ type: 'AllocationUnhealthy', data: { reason: report.reason } }];
    case 'pulling':
      if (terminalAllocationStatuses.has(state.status) || state.desired === 'stop' || state.phase.name === 'pulling') return [];
      return [{ type: 'AllocationPullBegan', data: { image: report.image, reason: report.reason } }];
    case 'starting': {
      const startingIt = state.phase.name === 'starting' && state.phase.containerId === report.containerId;
      const runsIt = runningPhases.has(state.phase.name) && state.containerId === report.containerId;
      if (terminalAllocationStatuses.has(state.status) || startingIt || runsIt) return [];
      return [{ type: 'AllocationStartBegan', data: { containerId: report.containerId } }];
    }
    case 'stopping':
      if (terminalAllocationStatuses.has(state.status) || state.desired !== 'stop' || state.phase.name === 'stopping') return [];
      return [{ type: 'AllocationStopBegan', data: { containerId: report.containerId } }];
  }
}

const runningPhases: ReadonlySet<AllocationPhase> = new Set<AllocationPhase>(['running', 'healthy', 'unhealthy']);

/**
 * The phase `event` begins for an allocation in `state`, or undefined when it begins none: a stop
 * request changes what is wanted, not where the allocation is (the agent's `AllocationStopBegan`
 * does), and a health verdict moves the phase only while the container runs (a late one leaves
 * `stopping` as it is). Every other event begins a phase, even the one the allocation is in (a new
 * container started, another exit). Pure; {@link evolveAllocation} keeps its result as `phase`.
 */
export function allocationPhaseBegunBy(state: AllocationState, event: AllocationEvent): AllocationPhaseStep | undefined {
  switch (event.type) {
    case 'AllocationPlaced':
      return { name: 'placed', reason: `version ${event.data.version}, slot ${event.data.index}, on node ${event.data.nodeId}` };
    case 'AllocationStopRequested':
      return undefined;
    case 'AllocationPullBegan':
      return { name: 'pulling', reason: event.data.reason };
    case 'AllocationStartBegan':
      return { name: 'starting', containerId: event.data.containerId, reason: `container ${shortId(event.data.containerId)}` };
    case 'AllocationStarted':
      return { name: 'running', containerId: event.data.containerId, reason: `container ${shortId(event.data.containerId)}` };
    case 'AllocationExited':
      return { name: 'exited', exitCode: event.data.exitCode, reason: `exit code ${event.data.exitCode}${event.data.willRestart ? `, ${restartNote(event.data)}` : ''}` };
    case 'AllocationFailed':
    case 'AllocationUnknown':
      return { name: event.type === 'AllocationFailed' ? 'failed' : 'unknown', reason: event.data.reason };
    case 'AllocationHealthy':
      return state.status !== 'absent' && runningPhases.has(state.phase.name) ? { name: 'healthy', reason: 'health check passed' } : undefined;
    case 'AllocationUnhealthy':
      return state.status !== 'absent' && runningPhases.has(state.phase.name) ? { name: 'unhealthy', reason: event.data.reason } : undefined;
    case 'AllocationStopBegan':
      return { name: 'stopping', containerId: event.data.containerId, reason: `stop requested${stopReasonOf(state)}` };
    case 'AllocationStopped':
      return { name: 'stopped', reason: `stopped on request${stopReasonOf(state)}` };
    case 'AllocationLost':
      return { name: 'lost', reason: `node ${event.data.nodeId} was lost` };
    case 'AllocationRecovered':
      return { name: 'unknown', reason: `node ${event.data.nodeId} came back; waiting for the agent to report the container` };
  }
}

function stopReasonOf(state: AllocationState): string {
  return state.status !== 'absent' && state.stopReason !== undefined ? `: ${state.stopReason}` : '';
}

function shortId(containerId: string): string {
  return containerId.slice(0, 12);
}

/** The status after an exit: `pending` when restarted, else `complete` for a normal exit code (0 or one of the policy's `normal_exit_codes`), `failed` otherwise. */
function exitedStatus(state: PlacedAllocation, exitCode: number, willRestart: boolean): AllocationStatus {
  if (willRestart) return 'pending';
  return isNormalExit(restartPolicyOf(state.placement.spec), exitCode) ? 'complete' : 'failed';
}

const noHealth = { health: undefined, healthReason: undefined } as const;

/**
 * Applies one event to an allocation's state. Pure, total, never throws. A start (a new container,
 * or the same one seen again) and every end forget the health verdict: it is about one run. The
 * `phase` follows {@link allocationPhaseBegunBy}; the steps an agent began (`AllocationPullBegan`,
 * `AllocationStartBegan`, `AllocationStopBegan`) change nothing else.
 */
export function evolveAllocation(state: AllocationState, event: AllocationEvent): AllocationState {
  const next = evolveStatus(state, event);
  if (next.status === 'absent') return next;
  const phase = allocationPhaseBegunBy(state, event);
  return phase ? { ...next, phase } : next;
}

function evolveStatus(state: AllocationState, event: AllocationEvent): AllocationState {
  if (event.type === 'AllocationPlaced') return { status: 'pending', placement: event.data, desired: 'run', ports: [], phase: { name: 'placed' } };
  if (state.status === 'absent') return state;
  switch (event.type) {
    case 'AllocationPullBegan':
    case 'AllocationStartBegan':
    case 'AllocationStopBegan':
      return state;
    case 'AllocationStopRequested':
      return { ...state, desired: 'stop', stopReason: event.data.reason };
    case 'AllocationStarted':
      return { ...state, ...noHealth, status: 'running', containerId: event.data.containerId, ports: event.data.ports, exitCode: undefined, failure: undefined, restartDelayMs: undefined };
    case 'AllocationExited':
      return {
        ...state,
        ...noHealth,
        status: exitedStatus(state, event.data.exitCode, event.data.willRestart),
        exitCode: event.data.exitCode,
        ...(event.data.willRestart ? { restarts: (state.restarts ?? 0) + 1, restartDelayMs: event.data.delayMs } : {}),
      };
    case 'AllocationFailed':
      return { ...state, ...noHealth, status: 'failed', failure: event.data.reason };
    case 'AllocationUnknown':
      return { ...state, ...noHealth, status: 'unknown', failure: event.data.reason };
    case 'AllocationHealthy':
      return { ...state, health: 'healthy', healthReason: undefined };
    case 'AllocationUnhealthy':
      return { ...state, health: 'unhealthy', healthReason: event.data.reason };
    case 'AllocationStopped':
      return { ...state, ...noHealth, status: 'complete', desired: 'stop', ports: [] };
    case 'AllocationLost':
      return { ...state, ...noHealth, status: 'lost' };
    case 'AllocationRecovered':
      return { ...state, ...noHealth, status: 'unknown', failure: 'its node came back; waiting for the agent to report the container' };
  }
}

/** Folds an allocation's events into its state. */
export function replayAllocation(events: Iterable<AllocationEvent>, from: AllocationState = absentAllocation): AllocationState {
  let state = from;
  for (const event of events) state = evolveAllocation(state, event);
  return state;
}

/** Splits an allocation stream name (`alloc.<nodeId>.<allocId>`); undefined for other streams. */
export function allocationIdOf(stream: string): { nodeId: string; allocId: string } | undefined {
  const [aggregate, nodeId, allocId, ...rest] = stream.split('.');
  if (aggregate !== 'alloc' || !nodeId || !allocId || rest.length > 0) return undefined;
  return { nodeId, allocId };
}

/** Splits a node stream name (`node.<nodeId>`); undefined for other streams. */
export function nodeIdOf(stream: string): string | undefined {
  const [aggregate, nodeId, ...rest] = stream.split('.');
  return aggregate === 'node' && nodeId && rest.length === 0 ? nodeId : undefined;
}
