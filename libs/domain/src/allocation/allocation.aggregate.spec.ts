import { DeploymentSpec } from '@plato/contracts';
import {
  absentAllocation,
  allocationIdOf,
  decideAllocation,
  replayAllocation,
  AllocationNotFound,
  AllocationNotOnNode,
  type AllocationCommand,
  type AllocationState,
} from './allocation.aggregate.js';

const placement = {
  allocId: 'a1',
  nodeId: 'n1',
  namespace: 'default',
  deployment: 'web',
  version: 1,
  index: 0,
  spec: DeploymentSpec.parse({ name: 'web', image: 'plato/busybox:latest' }),
  basedOn: 7,
};
const run = (state: AllocationState, command: AllocationCommand) => replayAllocation(decideAllocation(state, command), state);
const report = (r: Extract<AllocationCommand, { type: 'ReportAllocation' }>['report'], nodeId = 'n1'): AllocationCommand => ({
  type: 'ReportAllocation',
  nodeId,
  allocId: 'a1',
  report: r,
});

describe('Allocation aggregate', () => {
  const placed = run(absentAllocation, { type: 'PlaceAllocation', placement });

  it('is pending and wanted running once placed; placing again decides nothing', () => {
    expect(placed).toMatchObject({ status: 'pending', desired: 'run' });
    expect(decideAllocation(placed, { type: 'PlaceAllocation', placement })).toEqual([]);
  });

  it('follows the agent: started, the same start again is nothing, exit with restart is pending', () => {
    const started = run(placed, report({ kind: 'started', containerId: 'c1', ports: [] }));
    expect(started).toMatchObject({ status: 'running', containerId: 'c1' });
    expect(decideAllocation(started, report({ kind: 'started', containerId: 'c1', ports: [] }))).toEqual([]);
    expect(run(started, report({ kind: 'exited', exitCode: 3, willRestart: true }))).toMatchObject({ status: 'pending', exitCode: 3 });
    expect(run(started, report({ kind: 'exited', exitCode: 3, willRestart: false }))).toMatchObject({ status: 'failed' });
    expect(run(started, report({ kind: 'exited', exitCode: 0, willRestart: false }))).toMatchObject({ status: 'complete' });
  });

  it('counts restarts and keeps the announced wait while pending; Started clears the wait', () => {
    const started = run(placed, report({ kind: 'started', containerId: 'c1', ports: [] }));
    const exited = run(started, report({ kind: 'exited', exitCode: 1, willRestart: true, attempt: 1, delayMs: 1_000 }));
    expect(decideAllocation(started, report({ kind: 'exited', exitCode: 1, willRestart: true, attempt: 1, delayMs: 1_000 }))).toEqual([
      { type: 'AllocationExited', data: { exitCode: 1, willRestart: true, attempt: 1, delayMs: 1_000 } },
    ]);
    expect(exited).toMatchObject({ status: 'pending', restarts: 1, restartDelayMs: 1_000 });
    const again = run(exited, report({ kind: 'started', containerId: 'c1', ports: [] }));
    expect(again).toMatchObject({ status: 'running', restarts: 1, restartDelayMs: undefined });
    expect(run(again, report({ kind: 'exited', exitCode: 1, willRestart: true, attempt: 2, delayMs: 2_000 }))).toMatchObject({ restarts: 2, restartDelayMs: 2_000 });
    expect(run(again, report({ kind: 'exited', exitCode: 1, willRestart: false }))).toMatchObject({ status: 'failed', restarts: 1 });
  });

  it("ends complete on an exit code the restart policy calls normal, failed on any other", () => {
    const spec = DeploymentSpec.parse({ name: 'job', image: 'plato/busybox:latest', restart: { policy: 'on-failure', normal_exit_codes: [3] } });
    const job = run(absentAllocation, { type: 'PlaceAllocation', placement: { ...placement, spec } });
    expect(run(job, report({ kind: 'exited', exitCode: 3, willRestart: false }))).toMatchObject({ status: 'complete', exitCode: 3 });
    expect(run(job, report({ kind: 'exited', exitCode: 4, willRestart: false }))).toMatchObject({ status: 'failed', exitCode: 4 });
  });

  it('reads a placement stored before the restart policy had more than policy (its defaults fill in)', () => {
    const stored = { ...placement, spec: { ...placement.spec, restart: { policy: 'never' } } } as unknown as typeof placement;
    const old = run(absentAllocation, { type: 'PlaceAllocation', placement: stored });
    expect(run(old, report({ kind: 'exited', exitCode: 0, willRestart: false }))).toMatchObject({ status: 'complete' });
    expect(run(old, report({ kind: 'exited', exitCode: 3, willRestart: false }))).toMatchObject({ status: 'failed' });
  });

  it('records a failure with its reason once', () => {
    const failed = run(placed, report({ kind: 'failed', reason: 'no such image: x' }));
    expect(failed).toMatchObject({ status: 'failed', failure: 'no such image: x' });
    expect(decideAllocation(failed, report({ kind: 'failed', reason: 'no such image: x' }))).toEqual([]);
  });

  it('stops: desired stop once, then complete when the agent stopped it', () => {
    const stopping = run(placed, { type: 'StopAllocation', reason: 'scaled-down' });
    expect(stopping).toMatchObject({ desired: 'stop', stopReason: 'scaled-down', status: 'pending' });
    expect(decideAllocation(stopping, { type: 'StopAllocation', reason: 'deleted' })).toEqual([]);
    expect(run(stopping, report({ kind: 'stopped' }))).toMatchObject({ status: 'complete', desired: 'stop' });
  });

  it('is unknown once while its runtime does not answer, and running again when the same container is seen', () => {
    const started = run(placed, report({ kind: 'started', containerId: 'c1', ports: [] }));
    const unknown = run(started, report({ kind: 'unknown', reason: 'lxd at /var/lib/lxd/unix.socket is unavailable' }));
    expect(unknown).toMatchObject({ status: 'unknown', containerId: 'c1', failure: 'lxd at /var/lib/lxd/unix.socket is unavailable' });
    expect(decideAllocation(unknown, report({ kind: 'unknown', reason: 'another reason' }))).toEqual([]);
    expect(decideAllocation(unknown, report({ kind: 'started', containerId: 'c1', ports: [] }))).toEqual([
      { type: 'AllocationStarted', data: { containerId: 'c1', ports: [] } },
    ]);
    expect(run(unknown, report({ kind: 'started', containerId: 'c1', ports: [] }))).toMatchObject({ status: 'running', failure: undefined });
    const failed = run(placed, report({ kind: 'failed', reason: 'no such image' }));
    expect(decideAllocation(failed, report({ kind: 'unknown', reason: 'lxd down' }))).toEqual([]);
  });

  it('records health changes of the running container once each, and forgets them when a container starts', () => {
    const started = run(placed, report({ kind: 'started', containerId: 'c1', ports: [] }));
    expect(started).toMatchObject({ health: undefined });
    expect(decideAllocation(started, report({ kind: 'healthy', containerId: 'c1' }))).toEqual([{ type: 'AllocationHealthy', data: {} }]);
    const healthy = run(started, report({ kind: 'healthy', containerId: 'c1' }));
    expect(healthy).toMatchObject({ status: 'running', health: 'healthy' });
    expect(decideAllocation(healthy, report({ kind: 'healthy', containerId: 'c1' }))).toEqual([]);
    const unhealthy = run(healthy, report({ kind: 'unhealthy', containerId: 'c1', reason: '3 probes failed: connection refused' }));
    expect(unhealthy).toMatchObject({ health: 'unhealthy', healthReason: '3 probes failed: connection refused' });
    expect(decideAllocation(unhealthy, report({ kind: 'unhealthy', containerId: 'c1', reason: 'another' }))).toEqual([]);
    expect(run(unhealthy, report({ kind: 'healthy', containerId: 'c1' }))).toMatchObject({ health: 'healthy', healthReason: undefined });

    const exited = run(unhealthy, report({ kind: 'exited', exitCode: 137, willRestart: true }));
    expect(exited).toMatchObject({ status: 'pending', health: undefined, healthReason: undefined });
    const again = run(exited, report({ kind: 'started', containerId: 'c1', ports: [] }));
    expect(again).toMatchObject({ status: 'running', health: undefined });
    expect(decideAllocation(again, report({ kind: 'healthy', containerId: 'c1' }))).toEqual([{ type: 'AllocationHealthy', data: {} }]);
  });

  it('ignores a health verdict about a container it no longer runs, or while it does not run', () => {
    const started = run(placed, report({ kind: 'started', containerId: 'c2', ports: [] }));
    expect(decideAllocation(started, report({ kind: 'unhealthy', containerId: 'c1', reason: 'late' }))).toEqual([]);
    expect(decideAllocation(placed, report({ kind: 'healthy', containerId: 'c2' }))).toEqual([]);
    const exited = run(started, report({ kind: 'exited', exitCode: 1, willRestart: true }));
    expect(decideAllocation(exited, report({ kind: 'unhealthy', containerId: 'c2', reason: 'gone' }))).toEqual([]);
  });

  it('is lost with its node unless it already ended', () => {
    expect(run(placed, { type: 'MarkAllocationLost', nodeId: 'n1' })).toMatchObject({ status: 'lost' });
    const done = run(placed, report({ kind: 'stopped' }));
    expect(decideAllocation(done, { type: 'MarkAllocationLost', nodeId: 'n1' })).toEqual([]);
  });

  it('refuses reports about unknown allocations or from another node', () => {
    expect(() => decideAllocation(absentAllocation, report({ kind: 'stopped' }))).toThrow(AllocationNotFound);
    expect(() => decideAllocation(placed, report({ kind: 'stopped' }, 'n2'))).toThrow(AllocationNotOnNode);
  });

  it('names its stream', () => {
    expect(allocationIdOf('alloc.n1.a1')).toEqual({ nodeId: 'n1', allocId: 'a1' });
    expect(allocationIdOf('deployment.default.web')).toBeUndefined();
  });
});
