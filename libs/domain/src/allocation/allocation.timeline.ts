import type { AllocationTransition } from '@plato/contracts';
import type { ProjectedEvent } from '../deployment/deployments.projection.js';
import { absentAllocation, allocationPhaseBegunBy, evolveAllocation, isAllocationEvent, type AllocationState } from './allocation.aggregate.js';

const epoch = new Date(0).toISOString();

/**
 * The timeline of one allocation: folds its stream's events (in log order) through the aggregate
 * and returns one transition per phase an event began (see `allocationPhaseBegunBy`), with the
 * event's time, position and type and the phase's reason and exit code. Events of other kinds are
 * skipped. Pure: the same events give the same timeline.
 */
export function allocationTimeline(events: Iterable<ProjectedEvent>): AllocationTransition[] {
  const timeline: AllocationTransition[] = [];
  let state: AllocationState = absentAllocation;
  for (const event of events) {
    if (!isAllocationEvent(event)) continue;
    const phase = allocationPhaseBegunBy(state, event);
    state = evolveAllocation(state, event);
    if (!phase || state.status === 'absent') continue;
    timeline.push({
      phase: phase.name,
      at: event.created?.toISOString() ?? epoch,
      position: event.position,
      event: event.type,
      ...(phase.reason !== undefined ? { reason: phase.reason } : {}),
      ...(phase.exitCode !== undefined ? { exitCode: phase.exitCode } : {}),
    });
  }
  return timeline;
}
