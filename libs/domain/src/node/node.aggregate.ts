import {
  ErrorCode,
  PlatoError,
  type EventDataOf,
  type NodeLost,
  type NodeRegistered,
  type ParsedRequestOf,
  type RegisterNode,
} from '@plato/contracts';
import { structuralEqual } from '../structural-equal.js';

/** The registered facts of a node. */
export type NodeFacts = EventDataOf<typeof NodeRegistered>;

/**
 * What the Node aggregate knows of one node, folded from `node.<nodeId>`: absent, or registered
 * with its facts, whether it is cordoned, and whether it is `ready` or `lost`.
 */
export type NodeState =
  | { readonly status: 'absent' }
  | { readonly status: 'registered'; readonly facts: NodeFacts; readonly cordoned: boolean; readonly liveness: 'ready' | 'lost' };

/** The state of a node whose stream has no event. */
export const absentNode: NodeState = Object.freeze({ status: 'absent' });

/** An event of the Node aggregate. */
export type NodeEvent =
  | { readonly type: 'NodeRegistered'; readonly data: NodeFacts }
  | { readonly type: 'NodeCordoned'; readonly data: Record<string, never> }
  | { readonly type: 'NodeUncordoned'; readonly data: Record<string, never> }
  | { readonly type: 'NodeLost'; readonly data: EventDataOf<typeof NodeLost> }
  | { readonly type: 'NodeRecovered'; readonly data: Record<string, never> };

/** A command the Node aggregate decides on. `MarkNodeLost` and `MarkNodeAlive` come from the liveness monitor. */
export type NodeCommand =
  | ({ readonly type: 'RegisterNode' } & ParsedRequestOf<typeof RegisterNode>)
  | { readonly type: 'CordonNode'; readonly nodeId: string }
  | { readonly type: 'UncordonNode'; readonly nodeId: string }
  | { readonly type: 'MarkNodeLost'; readonly nodeId: string; readonly lastSeen: string; readonly timeoutMs: number }
  | { readonly type: 'MarkNodeAlive'; readonly nodeId: string };

const nodeEventTypes: ReadonlySet<string> = new Set<NodeEvent['type']>(['NodeRegistered', 'NodeCordoned', 'NodeUncordoned', 'NodeLost', 'NodeRecovered']);

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
 * A lost node that registers or heartbeats again is `NodeRecovered`.
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
    return state.status === 'registered'
      ? { ...state, facts: event.data }
      : { status: 'registered', facts: event.data, cordoned: false, liveness: 'ready' };
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
  }
}

/** Folds a node's events into its state. */
export function replayNode(events: Iterable<NodeEvent>, from: NodeState = absentNode): NodeState {
  let state = from;
  for (const event of events) state = evolveNode(state, event);
  return state;
}
