import { terminalAllocationStatuses, type PlacedAllocation } from '@plato/domain';

/**
 * Whether an allocation's change can change a plan, so the loop plans again after it. `plan()`
 * reads of an allocation only what it was placed with (fixed once placed), whether it is wanted
 * running, and whether its status is terminal; a new allocation always counts. An agent's report
 * that moves it between live statuses (a start: pending → running, a restart: running → pending)
 * changes none of these, and a thousand of them need no plan.
 */
export function changesPlanningInput(before: PlacedAllocation | undefined, after: PlacedAllocation | undefined): boolean {
  if (!before || !after) return before !== after;
  return before.desired !== after.desired || terminalAllocationStatuses.has(before.status) !== terminalAllocationStatuses.has(after.status);
}
