import { absentAllocation, allocationIdOf, evolveAllocation, isAllocationEvent, terminalAllocationStatuses, type AllocationEvent, type PlacedAllocation } from '@plato/domain';
import type { RecordedEvent } from '@plato/event-store';

const agentSteps: ReadonlySet<string> = new Set<AllocationEvent['type']>(['AllocationPullBegan', 'AllocationStartBegan', 'AllocationStopBegan']);

/**
 * True when the log wants the allocation's container running: placed, desired `run`, and not
 * terminal (`complete`, `failed`, `lost`). Everything else should not run.
 */
export function shouldRun(state: PlacedAllocation): boolean {
  return state.desired === 'run' && !terminalAllocationStatuses.has(state.status);
}

/**
 * True when the allocation awaits the scheduler's word: `lost` (its node was given up) but still
 * wanted running. Its container is left exactly as it is, neither stopped nor restarted, until the
 * scheduler either stops it (it was replaced elsewhere) or recovers it (then it is adopted).
 */
export function awaitsRecovery(state: PlacedAllocation): boolean {
  return state.desired === 'run' && state.status === 'lost';
}

/**
 * The desired state of one node: its allocations folded from their streams
 * (`alloc.<nodeId>.<allocId>`) with the domain's `evolveAllocation`. Fed by a subscription
 * filtered on the node's streams; ignores every other event.
 */
export class DesiredAllocations {
  private readonly states = new Map<string, PlacedAllocation>();
  private readonly positions = new Map<string, number>();

  constructor(private readonly nodeId: string) {}

  /**
   * Folds one event in; returns the id of the allocation it changed, if it is one of this node's
   * and the change can matter to converging. The steps the agent itself began (pulling, starting,
   * stopping) move only the allocation's phase: they are folded, and no id is returned for them.
   */
  apply(event: RecordedEvent): string | undefined {
    const ids = allocationIdOf(event.stream);
    if (!ids || ids.nodeId !== this.nodeId) return undefined;
    const typed = { type: event.type, data: event.data };
    if (!isAllocationEvent(typed)) return undefined;
    const next = evolveAllocation(this.states.get(ids.allocId) ?? absentAllocation, typed);
    if (next.status === 'absent') return undefined;
    this.states.set(ids.allocId, next);
    this.positions.set(ids.allocId, event.position);
    return agentSteps.has(typed.type) ? undefined : ids.allocId;
  }

  /** The log position of the last event of the allocation's stream folded in. */
  positionOf(allocId: string): number | undefined {
    return this.positions.get(allocId);
  }

  /** The allocation's state, or undefined when the log never placed it on this node. */
  get(allocId: string): PlacedAllocation | undefined {
    return this.states.get(allocId);
  }

  /** Every allocation the log placed on this node, terminal ones included. */
  entries(): IterableIterator<[string, PlacedAllocation]> {
    return this.states.entries();
  }
}
