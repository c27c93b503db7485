import { DeploymentSpec } from '@plato/contracts';
import { placementDecider, type PlacementCommand, type PlacementEvent, type PlacementState } from './placement.decider.js';
import type { DeploymentEvent } from '@plato/domain';

const spec = DeploymentSpec.parse({ name: 'web', image: 'plato/busybox:latest' });
const fold = (events: (DeploymentEvent | PlacementEvent)[]): PlacementState => events.reduce(placementDecider.evolve, placementDecider.initialState);
const block = (missing: number, version = 1): PlacementCommand => ({ type: 'BlockPlacement', version, missing, reasons: [{ check: 'cordoned', nodes: 1 }], summary: '1 node: cordoned' });
const applied: DeploymentEvent = { type: 'DeploymentSpecApplied', data: { version: 1, spec } };

describe('placementDecider', () => {
  it('blocks the live current version once per distinct blockage', () => {
    expect(placementDecider.decide(fold([applied]), block(2))).toEqual([{ type: 'DeploymentPlacementBlocked', data: { version: 1, missing: 2, reasons: [{ check: 'cordoned', nodes: 1 }], summary: '1 node: cordoned' } }]);
    const blocked = fold([applied, ...(placementDecider.decide(fold([applied]), block(2)) as PlacementEvent[])]);
    expect(placementDecider.decide(blocked, block(2))).toEqual([]);
    expect(placementDecider.decide(blocked, block(1))).toHaveLength(1);
  });

  it('ignores blockages of another version or of a deleted deployment', () => {
    expect(placementDecider.decide(fold([applied]), block(2, 2))).toEqual([]);
    expect(placementDecider.decide(fold([applied, { type: 'DeploymentDeleted', data: { version: 1 } }]), block(2))).toEqual([]);
  });

  it('unblocks only a blocked deployment, and a delete ends the blockage', () => {
    const blocked = fold([applied, { type: 'DeploymentPlacementBlocked', data: { version: 1, missing: 1, reasons: [], summary: '' } }]);
    expect(placementDecider.decide(blocked, { type: 'UnblockPlacement' })).toEqual([{ type: 'DeploymentPlacementUnblocked', data: { version: 1 } }]);
    expect(placementDecider.decide(fold([applied]), { type: 'UnblockPlacement' })).toEqual([]);
    expect(fold([applied, { type: 'DeploymentPlacementBlocked', data: { version: 1, missing: 1, reasons: [], summary: '' } }, { type: 'DeploymentDeleted', data: { version: 1 } }]).blocked).toBeUndefined();
  });
});
