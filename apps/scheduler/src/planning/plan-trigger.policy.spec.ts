import { DeploymentSpec } from '@plato/contracts';
import { absentAllocation, evolveAllocation, type AllocationEvent, type PlacedAllocation } from '@plato/domain';
import { changesPlanningInput } from './plan-trigger.policy.js';

const spec = DeploymentSpec.parse({ name: 'web', image: 'plato/busybox:latest' });
const placed = evolveAllocation(absentAllocation, {
  type: 'AllocationPlaced',
  data: { allocId: 'a1', nodeId: 'n1', namespace: 'default', deployment: 'web', version: 1, index: 0, spec, basedOn: 1 },
}) as PlacedAllocation;
const next = (state: PlacedAllocation, event: AllocationEvent) => evolveAllocation(state, event) as PlacedAllocation;
const started = (state: PlacedAllocation) => next(state, { type: 'AllocationStarted', data: { containerId: 'c1', ports: [] } });

describe('changesPlanningInput', () => {
  it('counts a new allocation', () => {
    expect(changesPlanningInput(undefined, placed)).toBe(true);
  });

  it('ignores a start or a restart between live statuses', () => {
    expect(changesPlanningInput(placed, started(placed))).toBe(false);
    const restarting = next(started(placed), { type: 'AllocationExited', data: { exitCode: 1, willRestart: true } });
    expect(changesPlanningInput(started(placed), restarting)).toBe(false);
  });

  it('counts an end, a start after an end, and a stop request', () => {
    const failed = next(started(placed), { type: 'AllocationFailed', data: { reason: 'oom' } });
    expect(changesPlanningInput(started(placed), failed)).toBe(true);
    expect(changesPlanningInput(failed, started(failed))).toBe(true);
    expect(changesPlanningInput(placed, next(placed, { type: 'AllocationStopRequested', data: { reason: 'scaled-down' } }))).toBe(true);
    expect(changesPlanningInput(placed, next(placed, { type: 'AllocationLost', data: { nodeId: 'n1' } }))).toBe(true);
  });
});
