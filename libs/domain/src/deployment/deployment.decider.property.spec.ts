import fc from 'fast-check';
import { DeploymentSpec, ErrorCode, PlatoError } from '@plato/contracts';
import { decide, replay } from './deployment.decider.js';
import type { DeploymentCommand } from './deployment.commands.js';
import type { DeploymentEvent } from './deployment.events.js';
import { absentDeployment, type DeploymentState } from './deployment.state.js';
import { DeploymentsProjection } from './deployments.projection.js';

const specArb = fc
  .record({
    image: fc.constantFrom('plato/busybox:latest', 'plato/busybox:2'),
    replicas: fc.integer({ min: 0, max: 3 }),
    env: fc.dictionary(fc.constantFrom('A', 'B', 'C'), fc.constantFrom('1', '2')),
    strategy: fc.constantFrom('binpack' as const, 'spread' as const),
  })
  .map((fields) => DeploymentSpec.parse({ name: 'web', ...fields }));

const commandArb: fc.Arbitrary<DeploymentCommand> = fc.oneof(
  specArb.map((spec) => ({ type: 'ApplyDeployment' as const, commandId: 'cmd-apply', spec })),
  fc.integer({ min: 0, max: 3 }).map((replicas) => ({ type: 'ScaleDeployment' as const, commandId: 'cmd-scale', namespace: 'default', name: 'web', replicas })),
  fc.constant({ type: 'DeleteDeployment' as const, commandId: 'cmd-delete', namespace: 'default', name: 'web' }),
);

interface Run {
  log: DeploymentEvent[];
  states: DeploymentState[];
}

function execute(commands: DeploymentCommand[]): Run {
  const log: DeploymentEvent[] = [];
  const states: DeploymentState[] = [absentDeployment];
  let state: DeploymentState = absentDeployment;
  for (const command of commands) {
    let events: DeploymentEvent[];
    try {
      events = decide(state, command);
    } catch (error) {
      expect(error).toBeInstanceOf(PlatoError);
      expect((error as PlatoError).code).toBe(ErrorCode.NotFound);
      expect(command.type).not.toBe('ApplyDeployment');
      expect(state.status).not.toBe('live');
      continue;
    }
    log.push(...events);
    state = replay(events, state);
    states.push(state);
  }
  return { log, states };
}

describe('Deployment decider properties', () => {
  it('replaying the whole log from nothing yields the state each decision assumed', () => {
    fc.assert(
      fc.property(fc.array(commandArb, { maxLength: 40 }), (commands) => {
        const { log, states } = execute(commands);
        expect(replay(log)).toEqual(states.at(-1));
      }),
    );
  });

  it('spec versions start at 1 and strictly increase by one, and a state version never decreases', () => {
    fc.assert(
      fc.property(fc.array(commandArb, { maxLength: 40 }), (commands) => {
        const { log, states } = execute(commands);
        const versions = log.flatMap((event) => (event.type === 'DeploymentSpecApplied' ? [event.data.version] : []));
        versions.forEach((version, i) => expect(version).toBe(i + 1));
        for (let i = 1; i < states.length; i++) expect(states[i]!.version).toBeGreaterThanOrEqual(states[i - 1]!.version);
      }),
    );
  });

  it('a command that succeeded, decided again on its outcome, decides nothing (apply and scale are idempotent)', () => {
    fc.assert(
      fc.property(fc.array(commandArb, { maxLength: 20 }), commandArb, (history, command) => {
        const before = replay(execute(history).log);
        let after: DeploymentState;
        try {
          after = replay(decide(before, command), before);
        } catch {
          return;
        }
        if (command.type === 'DeleteDeployment') expect(() => decide(after, command)).toThrow(PlatoError);
        else expect(decide(after, command)).toEqual([]);
      }),
    );
  });

  it('an accepted apply makes the applied spec the deployment spec', () => {
    fc.assert(
      fc.property(fc.array(commandArb, { maxLength: 20 }), specArb, (history, spec) => {
        const before = replay(execute(history).log);
        const after = replay(decide(before, { type: 'ApplyDeployment', commandId: 'cmd-apply', spec }), before);
        expect(after).toMatchObject({ status: 'live', version: expect.any(Number), spec });
      }),
    );
  });

  it('the projection agrees with the aggregate after any history', () => {
    fc.assert(
      fc.property(fc.array(commandArb, { maxLength: 40 }), (commands) => {
        const { log, states } = execute(commands);
        const projection = new DeploymentsProjection();
        log.forEach((event, i) => projection.apply({ stream: 'deployment.default.web', ...event, position: i + 1 }));
        const state = states.at(-1)!;
        const view = projection.get('default', 'web');
        if (state.status === 'absent') return expect(view).toBeUndefined();
        expect(view).toMatchObject({ version: state.version, deleted: state.status === 'deleted', spec: state.spec, replicas: state.spec.replicas });
        expect(projection.list()).toHaveLength(state.status === 'live' ? 1 : 0);
      }),
    );
  });
});
