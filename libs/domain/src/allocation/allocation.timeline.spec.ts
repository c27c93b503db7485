import { DeploymentSpec } from '@plato/contracts';
import { allocationTimeline } from './allocation.timeline.js';

const placement = {
  allocId: 'a1',
  nodeId: 'n1',
  namespace: 'default',
  deployment: 'web',
  version: 2,
  index: 1,
  spec: DeploymentSpec.parse({ name: 'web', image: 'plato/busybox:latest' }),
  basedOn: 7,
};

describe('allocationTimeline', () => {
  it('lists each phase an event began with its time, position, event and reason, skipping stop requests and other streams', () => {
    const events: [string, unknown][] = [
      ['AllocationPlaced', placement],
      ['AllocationStartBegan', { containerId: '3f2a9b1c0d4e5f60' }],
      ['AllocationStarted', { containerId: '3f2a9b1c0d4e5f60', ports: [] }],
      ['AllocationExited', { exitCode: 137, willRestart: true }],
      ['AllocationStartBegan', { containerId: '3f2a9b1c0d4e5f60' }],
      ['AllocationStarted', { containerId: '3f2a9b1c0d4e5f60', ports: [] }],
      ['DeploymentScaled', { from: 2, to: 1 }],
      ['AllocationStopRequested', { reason: 'scaled-down' }],
      ['AllocationStopBegan', { containerId: '3f2a9b1c0d4e5f60' }],
      ['AllocationStopped', {}],
    ];
    const timeline = allocationTimeline(
      events.map(([type, data], i) => ({ stream: 'alloc.n1.a1', type, data, position: 10 + i, created: new Date(Date.UTC(2026, 0, 1, 0, 0, i)) })),
    );
    expect(timeline.map((t) => [t.phase, t.position, t.reason])).toEqual([
      ['placed', 10, 'version 2, slot 1, on node n1'],
      ['starting', 11, 'container 3f2a9b1c0d4e'],
      ['running', 12, 'container 3f2a9b1c0d4e'],
      ['exited', 13, 'exit code 137, restarting'],
      ['starting', 14, 'container 3f2a9b1c0d4e'],
      ['running', 15, 'container 3f2a9b1c0d4e'],
      ['stopping', 18, 'stop requested: scaled-down'],
      ['stopped', 19, 'stopped on request: scaled-down'],
    ]);
    expect(timeline[3]).toEqual({ phase: 'exited', at: '2026-01-01T00:00:03.000Z', position: 13, event: 'AllocationExited', reason: 'exit code 137, restarting', exitCode: 137 });
  });

  it('is empty for a stream without a placement', () => {
    expect(allocationTimeline([{ stream: 'alloc.n1.a1', type: 'AllocationStarted', data: { containerId: 'c1', ports: [] }, position: 1 }])).toEqual([]);
  });
});
