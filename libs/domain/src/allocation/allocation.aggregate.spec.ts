import fc from 'fast-check';
import { DeploymentSpec } from '@plato/contracts';
import {
  absentAllocation,
  allocationIdOf,
  decideAllocation,
  replayAllocation,
  AllocationNotFound,
  AllocationNotOnNode,
  type AllocationCommand,
  type AllocationEvent,
  type AllocationState,
} from './allocation.aggregate.js';
import { allocationTimeline } from './allocation.timeline.js';

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

  it("follows the agent's steps as phases, each written once, without touching the status", () => {
    expect(placed).toMatchObject({ phase: { name: 'placed', reason: 'version 1, slot 0, on node n1' } });
    const pulling = run(placed, report({ kind: 'pulling', image: 'plato/busybox:latest', reason: 'importing from the cache' }));
    expect(pulling).toMatchObject({ status: 'pending', phase: { name: 'pulling', reason: 'importing from the cache' } });
    expect(decideAllocation(pulling, report({ kind: 'pulling', image: 'plato/busybox:latest', reason: 'again' }))).toEqual([]);
    const starting = run(pulling, report({ kind: 'starting', containerId: 'c1' }));
    expect(starting).toMatchObject({ status: 'pending', phase: { name: 'starting', containerId: 'c1' } });
    expect(decideAllocation(starting, report({ kind: 'starting', containerId: 'c1' }))).toEqual([]);
    const running = run(starting, report({ kind: 'started', containerId: 'c1', ports: [] }));
    expect(running).toMatchObject({ status: 'running', phase: { name: 'running' } });
    expect(decideAllocation(running, report({ kind: 'starting', containerId: 'c1' }))).toEqual([]);
    const healthy = run(running, report({ kind: 'healthy', containerId: 'c1' }));
    expect(healthy).toMatchObject({ phase: { name: 'healthy', reason: 'health check passed' } });

    const exited = run(healthy, report({ kind: 'exited', exitCode: 137, willRestart: true }));
    expect(exited).toMatchObject({ status: 'pending', phase: { name: 'exited', exitCode: 137, reason: 'exit code 137, restarting' } });
    const restarting = run(exited, report({ kind: 'starting', containerId: 'c1' }));
    expect(restarting).toMatchObject({ status: 'pending', phase: { name: 'starting' } });

    const again = run(restarting, report({ kind: 'started', containerId: 'c1', ports: [] }));
    expect(decideAllocation(again, report({ kind: 'stopping', containerId: 'c1' }))).toEqual([]);
    const stopRequested = run(again, { type: 'StopAllocation', reason: 'deleted' });
    expect(stopRequested).toMatchObject({ desired: 'stop', phase: { name: 'running' } });
    const stopping = run(stopRequested, report({ kind: 'stopping', containerId: 'c1' }));
    expect(stopping).toMatchObject({ status: 'running', phase: { name: 'stopping', reason: 'stop requested: deleted' } });
    expect(decideAllocation(stopping, report({ kind: 'stopping', containerId: 'c1' }))).toEqual([]);
    expect(run(stopping, report({ kind: 'healthy', containerId: 'c1' }))).toMatchObject({ health: 'healthy', phase: { name: 'stopping' } });
    const stopped = run(stopping, report({ kind: 'stopped' }));
    expect(stopped).toMatchObject({ status: 'complete', phase: { name: 'stopped', reason: 'stopped on request: deleted' } });
    for (const step of [
      { kind: 'pulling', image: 'plato/busybox:latest', reason: 'late' },
      { kind: 'starting', containerId: 'c2' },
      { kind: 'stopping', containerId: 'c1' },
    ] as const) {
      expect(decideAllocation(stopped, report(step))).toEqual([]);
    }
  });

  it('phases the ends: failed, lost, unknown when the node came back', () => {
    expect(run(placed, report({ kind: 'failed', reason: 'no such image' }))).toMatchObject({ phase: { name: 'failed', reason: 'no such image' } });
    const lost = run(placed, { type: 'MarkAllocationLost', nodeId: 'n1' });
    expect(lost).toMatchObject({ phase: { name: 'lost', reason: 'node n1 was lost' } });
    expect(decideAllocation(lost, report({ kind: 'starting', containerId: 'c1' }))).toEqual([]);
    expect(run(lost, { type: 'RecoverAllocation', nodeId: 'n1' })).toMatchObject({ status: 'unknown', phase: { name: 'unknown' } });
    expect(run(placed, report({ kind: 'exited', exitCode: 0, willRestart: false }))).toMatchObject({ status: 'complete', phase: { name: 'exited', exitCode: 0 } });
  });

  it('names its stream', () => {
    expect(allocationIdOf('alloc.n1.a1')).toEqual({ nodeId: 'n1', allocId: 'a1' });
    expect(allocationIdOf('deployment.default.web')).toBeUndefined();
  });
});

const container = fc.constantFrom('c1', 'c2');

/** Every command the aggregate took before the agent reported its steps. */
const coarseCommand: fc.Arbitrary<AllocationCommand> = fc.oneof(
  fc.constant<AllocationCommand>({ type: 'PlaceAllocation', placement }),
  fc.constantFrom('deleted' as const, 'scaled-down' as const).map((reason): AllocationCommand => ({ type: 'StopAllocation', reason })),
  fc.constant<AllocationCommand>({ type: 'MarkAllocationLost', nodeId: 'n1' }),
  fc.constant<AllocationCommand>({ type: 'RecoverAllocation', nodeId: 'n1' }),
  container.map((containerId) =>
    report({ kind: 'started', containerId, ports: [{ container: 8080, host: containerId === 'c1' ? 32768 : 32769, hostIp: '127.0.0.1', protocol: 'tcp' }] }),
  ),
  fc.record({ exitCode: fc.constantFrom(0, 1, 137), willRestart: fc.boolean() }).map((r) => report({ kind: 'exited', ...r })),
  fc.constantFrom('no such image', 'port taken').map((reason) => report({ kind: 'failed', reason })),
  fc.constant(report({ kind: 'stopped' })),
  fc.constant(report({ kind: 'unknown', reason: 'docker does not answer' })),
  container.map((containerId) => report({ kind: 'healthy', containerId })),
  container.map((containerId) => report({ kind: 'unhealthy', containerId, reason: '3 checks failed' })),
);

/** The steps an agent began: they move the phase only. */
const stepReport: fc.Arbitrary<AllocationCommand> = fc.oneof(
  fc.constant(report({ kind: 'pulling', image: 'plato/busybox:latest', reason: 'importing from the image cache' })),
  container.map((containerId) => report({ kind: 'starting', containerId })),
  container.map((containerId) => report({ kind: 'stopping', containerId })),
);

/** Command sequences, most of them starting with the placement so that reports have something to act on. */
const sequences = (maxLength: number) =>
  fc.tuple(fc.boolean(), fc.array(fc.oneof(coarseCommand, stepReport), { maxLength })).map(([place, rest]) =>
    place || rest.length === 0 ? [{ type: 'PlaceAllocation' as const, placement }, ...rest] : rest,
  );

const isStep = (command: AllocationCommand) =>
  command.type === 'ReportAllocation' && ['pulling', 'starting', 'stopping'].includes(command.report.kind);

/** An allocation's state without its phase: everything the scheduler, the plan checker and the agent read. */
function coarse(state: AllocationState): Omit<AllocationState, 'phase'> {
  if (state.status === 'absent') return state;
  const { phase: _phase, ...rest } = state;
  return rest;
}

function decided(state: AllocationState, command: AllocationCommand): AllocationEvent[] | 'refused' {
  try {
    return decideAllocation(state, command);
  } catch {
    return 'refused';
  }
}

describe('Allocation phases (properties)', () => {
  it('never change what the coarse fold decides and folds: any commands with steps interleaved give the same status, events and refusals as without them', () => {
    fc.assert(
      fc.property(sequences(40), (sequence) => {
        let withSteps: AllocationState = absentAllocation;
        let without: AllocationState = absentAllocation;
        for (const command of sequence) {
          const outcome = decided(withSteps, command);
          if (outcome !== 'refused') withSteps = replayAllocation(outcome, withSteps);
          if (isStep(command)) {
            if (outcome !== 'refused') expect(outcome.every((event) => event.type.endsWith('Began'))).toBe(true);
          } else {
            const reference = decided(without, command);
            expect(outcome).toEqual(reference);
            if (reference !== 'refused') without = replayAllocation(reference, without);
          }
          expect(coarse(withSteps)).toEqual(coarse(without));
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('a report decided again on its outcome decides nothing', () => {
    fc.assert(
      fc.property(sequences(30), stepReport, (history, step) => {
        let state: AllocationState = absentAllocation;
        for (const command of history) {
          const outcome = decided(state, command);
          if (outcome !== 'refused') state = replayAllocation(outcome, state);
        }
        const first = decided(state, step);
        if (first === 'refused') return;
        expect(decided(replayAllocation(first, state), step)).toEqual([]);
      }),
    );
  });

  it('the timeline of a log ends in the phase its fold holds, at most one entry per event and none for a stop request', () => {
    fc.assert(
      fc.property(sequences(40), (sequence) => {
        let state: AllocationState = absentAllocation;
        const log: AllocationEvent[] = [];
        for (const command of sequence) {
          const outcome = decided(state, command);
          if (outcome === 'refused') continue;
          log.push(...outcome);
          state = replayAllocation(outcome, state);
        }
        const timeline = allocationTimeline(log.map((event, i) => ({ stream: 'alloc.n1.a1', ...event, position: i + 1 })));
        if (state.status === 'absent') return expect(timeline).toEqual([]);
        expect(timeline.at(-1)?.phase).toBe(state.phase.name);
        expect(timeline.length).toBeLessThanOrEqual(log.filter((event) => event.type !== 'AllocationStopRequested').length);
        expect(timeline.map((t) => t.position)).toEqual([...timeline.map((t) => t.position)].sort((a, b) => a - b));
      }),
    );
  });
});
