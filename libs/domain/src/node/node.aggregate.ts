import {
  ErrorCode,
  PlatoError,
  type EventDataOf,
  type NodeLost,
  type NodeRegistered,
  type NodeRuntimeUnavailable,
  type ParsedRequestOf,
  type RegisterNode,
  type Runtime,
} from '@plato/contracts';
import { structuralEqual } from '../structural-equal.js';

/** The registered facts of a node. */
export type NodeFacts = EventDataOf<typeof NodeRegistered>;

/**
 * What the Node aggregate knows of one node, folded from `node.<nodeId>`: absent, or registered
 * with its facts, whether it is cordoned, whether it is `ready` or `lost`, and which of its
 * runtimes do not answer now (by runtime, the reason its agent gave).
 */
export type NodeState =
  | { readonly status: 'absent' }
  | {
      readonly status: 'registered';
      readonly facts: NodeFacts;
      readonly cordoned: boolean;
      readonly liveness: 'ready' | 'lost';
      readonly unavailableRuntimes: Readonly<Partial<Record<Runtime, string>>>;
      /** From `DrainNode` until uncordoned: `draining`, then `drained` once nothing wanted runs there. */
      readonly drain?: NodeDrain;
    };

/** A node's drain: its status and, when one was given, the deadline after which what is left is stopped. */
export interface NodeDrain {
  readonly status: 'draining' | 'drained';
  readonly deadline?: string;
}

/** The state of a node whose stream has no event. */
export const absentNode: NodeState = Object.freeze({ status: 'absent' });

/** An event of the Node aggregate. */
export type NodeEvent =
  | { readonly type: 'NodeRegistered'; readonly data: NodeFacts }
  | { readonly type: 'NodeCordoned'; readonly data: Record<string, never> }
  | { readonly type: 'NodeUncordoned'; readonly data: Record<string, never> }
  | { readonly type: 'NodeLost'; readonly data: EventDataOf<typeof NodeLost> }
  | { readonly type: 'NodeRecovered'; readonly data: Record<string, never> }
  | { readonly type: 'NodeRuntimeUnavailable'; readonly data: EventDataOf<typeof NodeRuntimeUnavailable> }
  | { readonly type: 'NodeRuntimeAvailable'; readonly data: { readonly runtime: Runtime } }
  | { readonly type: 'NodeDrainStarted'; readonly data: { readonly deadline?: string } }
  | { readonly type: 'NodeDrained'; readonly data: Record<string, never> };

/** A command the Node aggregate decides on. `MarkNodeLost` and `MarkNodeAlive` come from the liveness monitor. */
export type NodeCommand =
  | ({ readonly type: 'RegisterNode' } & ParsedRequestOf<typeof RegisterNode>)
  | { readonly type: 'CordonNode'; readonly nodeId: string }
  | { readonly type: 'UncordonNode'; readonly nodeId: string }
  | { readonly type: 'MarkNodeLost'; readonly nodeId: string; readonly lastSeen: string; readonly timeoutMs: number }
  | { readonly type: 'MarkNodeAlive'; readonly nodeId: string }
  | { readonly type: 'DrainNode'; readonly nodeId: string; readonly deadline?: string }
  | { readonly type: 'MarkNodeDrained'; readonly nodeId: string };

const nodeEventTypes: ReadonlySet<string> = new Set<NodeEvent['type']>([
  'NodeRegistered',
  'NodeCordoned',
  'NodeUncordoned',
  'NodeLost',
  'NodeRecovered',
  'NodeRuntimeUnavailable',
  'NodeRuntimeAvailable',
  'NodeDrainStarted',
  'NodeDrained',
]);

/** True when `event` is one of the Node aggregate's events. */
export function isNodeEvent(event: { type: string; data: unknown }): event is NodeEvent {
  return nodeEventTypes.has(event.type);
}

/** The command names a node that never registered. Code `NOT_FOUND`. */
export class NodeNotFound extends PlatoError {
  constructor(nodeId: string) {
    super(ErrorCode.NotFound, `node ${nodeId} not found`, { kind: 'node', nodeId });
  }
}

/**
 * Decides what a command changes about one node. Pure; returns no events when the node already is
 * as asked (registering the same facts, cordoning a cordoned node, marking a lost node lost).
 * A drain cordons the node (`NodeCordoned` unless it is) and starts (`NodeDrainStarted`, again only
 * with another deadline); `MarkNodeDrained` ends it as `NodeDrained`; uncordon forgets it.
 * A lost node that registers or heartbeats again is `NodeRecovered`. A registration also carries
 * which runtimes do not answer: each change of that is `NodeRuntimeUnavailable` or
 * `NodeRuntimeAvailable` (a runtime the node no longer offers needs neither).
 */
export function decideNode(state: NodeState, command: NodeCommand): NodeEvent[] {
  if (command.type === 'RegisterNode') {
    const facts: NodeFacts = {
      nodeId: command.nodeId,
      hostname: command.hostname,
      capacity: command.capacity,
      labels: command.labels,
      runtimes: command.runtimes,
    };
    const events: NodeEvent[] = [];
    if (state.status === 'registered' && state.liveness === 'lost') events.push({ type: 'NodeRecovered', data: {} });
    if (state.status === 'absent' || !structuralEqual(state.facts, facts)) events.push({ type: 'NodeRegistered', data: facts });
    const wasUnavailable = state.status === 'registered' ? state.unavailableRuntimes : {};
    const nowUnavailable = new Map(command.unavailableRuntimes.map((entry) => [entry.runtime, entry.reason]));
    for (const runtime of command.runtimes) {
      const reason = nowUnavailable.get(runtime);
      if (reason !== undefined && wasUnavailable[runtime] === undefined) events.push({ type: 'NodeRuntimeUnavailable', data: { runtime, reason } });
      if (reason === undefined && wasUnavailable[runtime] !== undefined) events.push({ type: 'NodeRuntimeAvailable', data: { runtime } });
    }
    return events;
  }
  if (state.status === 'absent') {
    if (command.type === 'MarkNodeLost' || command.type === 'MarkNodeAlive' || command.type === 'MarkNodeDrained') return [];
    throw new NodeNotFound(command.nodeId);
  }
  switch (command.type) {
    case 'CordonNode':
      return state.cordoned ? [] : [{ type: 'NodeCordoned', data: {} }];
    case 'UncordonNode':
      return state.cordoned ? [{ type: 'NodeUncordoned', data: {} }] : [];
    case 'MarkNodeLost':
      return state.liveness === 'lost' ? [] : [{ type: 'NodeLost', data: { lastSeen: command.lastSeen, timeoutMs: command.timeoutMs } }];
    case 'MarkNodeAlive':
      return state.liveness === 'lost' ? [{ type: 'NodeRecovered', data: {} }] : [];
    case 'DrainNode': {
      if (state.drain?.status === 'draining' && state.drain.deadline === command.deadline) return [];
      const events: NodeEvent[] = state.cordoned ? [] : [{ type: 'NodeCordoned', data: {} }];
      events.push({ type: 'NodeDrainStarted', data: command.deadline !== undefined ? { deadline: command.deadline } : {} });
      return events;
    }
    case 'MarkNodeDrained':
      return state.drain?.status === 'draining' ? [{ type: 'NodeDrained', data: {} }] : [];
  }
}

/** Applies one event to a node's state. Pure, total, never throws. */
export function evolveNode(state: NodeState, event: NodeEvent): NodeState {
  if (event.type === 'NodeRegistered') {
    if (state.status !== 'registered') return { status: 'registered', facts: event.data, cordoned: false, liveness: 'ready', unavailableRuntimes: {} };
    const offered = new Set(event.data.runtimes);
    const unavailableRuntimes = Object.fromEntries(Object.entries(state.unavailableRuntimes).filter(([runtime]) => offered.has(runtime as Runtime)));
    return { ...state, facts: event.data, unavailableRuntimes };
  }
  if (state.status === 'absent') return state;
  switch (event.type) {
    case 'NodeCordoned':
      return { ...state, cordoned: true };
    case 'NodeUncordoned': {
      const { drain: _, ...rest } = state;
      return { ...rest, cordoned: false };
    }
    case 'NodeDrainStarted':
      return { ...state, cordoned: true, drain: { status: 'draining', ...(event.data.deadline !== undefined ? { deadline: event.data.deadline } : {}) } };
    case 'NodeDrained':
      return state.drain ? { ...state, drain: { ...state.drain, status: 'drained' } } : state;
    case 'NodeLost':
      return { ...state, liveness: 'lost' };
    case 'NodeRecovered':
      return { ...state, liveness: 'ready' };
    case 'NodeRuntimeUnavailable':
      return { ...state, unavailableRuntimes: { ...state.unavailableRuntimes, [event.data.runtime]: event.data.reason } };
    case 'NodeRuntimeAvailable': {
      const { [event.data.runtime]: _, ...rest } = state.unavailableRuntimes;
      return { ...state, unavailableRuntimes: rest };
    }
  }
}

/** Folds a node's events into its state. */
export function replayNode(events: Iterable<NodeEvent>, from: NodeState = absentNode): NodeState {
  let state = from;
  for (const event of events) state = evolveNode(state, event);
  return state;
}
