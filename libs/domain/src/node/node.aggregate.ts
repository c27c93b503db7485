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
    };

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
  | { readonly type: 'NodeRuntimeAvailable'; readonly data: { readonly runtime: Runtime } };

/** A command the Node aggregate decides on. `MarkNodeLost` and `MarkNodeAlive` come from the liveness monitor. */
export type NodeCommand =
  | ({ readonly type: 'RegisterNode' } & ParsedRequestOf<typeof RegisterNode>)
  | { readonly type: 'CordonNode'; readonly nodeId: string }
  | { readonly type: 'UncordonNode'; readonly nodeId: string }
  | { readonly type: 'MarkNodeLost'; readonly nodeId: string; readonly lastSeen: string; readonly timeoutMs: number }
  | { readonly type: 'MarkNodeAlive'; readonly nodeId: string };

const nodeEventTypes: ReadonlySet<string> = new Set<NodeEvent['type']>([
  'NodeRegistered',
  'NodeCordoned',
  'NodeUncordoned',
  'NodeLost',
  'NodeRecovered',
  'NodeRuntimeUnavailable',
  'NodeRuntimeAvailable',
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
    if (command.type === 'MarkNodeLost' || command.type === 'MarkNodeAlive') return [];
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
    case 'NodeUncordoned':
      return { ...state, cordoned: false };
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
