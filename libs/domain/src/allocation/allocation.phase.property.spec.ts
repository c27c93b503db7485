import fc from 'fast-check';
import { DeploymentSpec } from '@plato/contracts';
import {
  absentAllocation,
  decideAllocation,
  replayAllocation,
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
  basedOn: 1,
};
const container = fc.constantFrom('c1', 'c2');
type Report = Extract<AllocationCommand, { type: 'ReportAllocation' }>['report'];
const reportOf = (report: Report): AllocationCommand => ({ type: 'ReportAllocation', nodeId: 'n1', allocId: 'a1', report });

/** Every command the aggregate took before the agent reported its steps. */
const coarseCommand: fc.Arbitrary<AllocationCommand> = fc.oneof(
  fc.constant<AllocationCommand>({ type: 'PlaceAllocation', placement }),
  fc.constantFrom('deleted' as const, 'scaled-down' as const).map((reason): AllocationCommand => ({ type: 'StopAllocation', reason })),
  fc.constant<AllocationCommand>({ type: 'MarkAllocationLost', nodeId: 'n1' }),
  fc.constant<AllocationCommand>({ type: 'RecoverAllocation', nodeId: 'n1' }),
  container.map((containerId) =>
    reportOf({ kind: 'started', containerId, ports: [{ container: 8080, host: containerId === 'c1' ? 32768 : 32769, hostIp: '127.0.0.1', protocol: 'tcp' }] }),
  ),
  fc.record({ exitCode: fc.constantFrom(0, 1, 137), willRestart: fc.boolean() }).map((r) => reportOf({ kind: 'exited', ...r })),
  fc.constantFrom('no such image', 'port taken').map((reason) => reportOf({ kind: 'failed', reason })),
  fc.constant(reportOf({ kind: 'stopped' })),
  fc.constant(reportOf({ kind: 'unknown', reason: 'docker does not answer' })),
  container.map((containerId) => reportOf({ kind: 'healthy', containerId })),
  container.map((containerId) => reportOf({ kind: 'unhealthy', containerId, reason: '3 checks failed' })),
);

/** The steps an agent began: they move the phase only. */
const stepReport: fc.Arbitrary<AllocationCommand> = fc.oneof(
  fc.constant(reportOf({ kind: 'pulling', image: 'plato/busybox:latest', reason: 'importing from the image cache' })),
  container.map((containerId) => reportOf({ kind: 'starting', containerId })),
  container.map((containerId) => reportOf({ kind: 'stopping', containerId })),
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
