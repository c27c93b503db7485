import { DeploymentSpec, ErrorCode, PlatoError, type DeploymentSpecInput } from '@plato/contracts';
import { decide, evolve, replay } from './deployment.decider.js';
import type { DeploymentCommand } from './deployment.commands.js';
import { DeploymentNotFound } from './deployment.errors.js';
import { absentDeployment, type DeploymentState } from './deployment.state.js';

const spec = (input: Partial<DeploymentSpecInput> = {}) => DeploymentSpec.parse({ name: 'web', image: 'plato/busybox:latest', ...input });
const apply = (input: Partial<DeploymentSpecInput> = {}): DeploymentCommand => ({ type: 'ApplyDeployment', commandId: 'cmd-apply-1', spec: spec(input) });
const scale = (replicas: number): DeploymentCommand => ({ type: 'ScaleDeployment', commandId: 'cmd-scale-1', namespace: 'default', name: 'web', replicas });
const del: DeploymentCommand = { type: 'DeleteDeployment', commandId: 'cmd-delete-1', namespace: 'default', name: 'web' };

function run(state: DeploymentState, command: DeploymentCommand): DeploymentState {
  return replay(decide(state, command), state);
}

describe('decide ApplyDeployment', () => {
  it('creates a deployment at version 1', () => {
    expect(decide(absentDeployment, apply())).toEqual([{ type: 'DeploymentSpecApplied', data: { version: 1, spec: spec() } }]);
  });

  it('decides nothing when the same spec is applied again', () => {
    const live = run(absentDeployment, apply({ env: { A: '1', B: '2' } }));
    expect(decide(live, apply({ env: { B: '2', A: '1' } }))).toEqual([]);
  });

  it('writes version + 1 for a changed spec', () => {
    const live = run(absentDeployment, apply());
    expect(decide(live, apply({ image: 'plato/busybox:2' }))).toEqual([
      { type: 'DeploymentSpecApplied', data: { version: 2, spec: spec({ image: 'plato/busybox:2' }) } },
    ]);
  });

  it('scales in place when only the replica count differs, keeping the version', () => {
    const live = run(absentDeployment, apply({ replicas: 2 }));
    expect(decide(live, apply({ replicas: 5 }))).toEqual([{ type: 'DeploymentScaled', data: { from: 2, to: 5 } }]);
    expect(run(live, apply({ replicas: 5 }))).toMatchObject({ status: 'live', version: 1, spec: spec({ replicas: 5 }) });
  });

  it('restores the file replica count after a scale, in place', () => {
    const scaled = run(run(absentDeployment, apply({ replicas: 1 })), scale(4));
    expect(decide(scaled, apply({ replicas: 1 }))).toEqual([{ type: 'DeploymentScaled', data: { from: 4, to: 1 } }]);
    expect(decide(scaled, apply({ replicas: 4 }))).toEqual([]);
  });

  it('writes a new version when replicas and another field change together', () => {
    const live = run(absentDeployment, apply({ replicas: 2 }));
    expect(decide(live, apply({ replicas: 3, image: 'plato/busybox:2' }))).toEqual([
      { type: 'DeploymentSpecApplied', data: { version: 2, spec: spec({ replicas: 3, image: 'plato/busybox:2' }) } },
    ]);
  });

  it('recreates a deleted deployment, continuing its version', () => {
    const deleted = run(run(run(absentDeployment, apply()), apply({ image: 'plato/busybox:2' })), del);
    expect(deleted).toMatchObject({ status: 'deleted', version: 2 });
    const events = decide(deleted, apply());
    expect(events).toEqual([{ type: 'DeploymentSpecApplied', data: { version: 3, spec: spec() } }]);
    expect(replay(events, deleted)).toMatchObject({ status: 'live', version: 3, spec: spec() });
  });
});

describe('decide ScaleDeployment', () => {
  it('records from and to', () => {
    const live = run(absentDeployment, apply({ replicas: 2 }));
    expect(decide(live, scale(5))).toEqual([{ type: 'DeploymentScaled', data: { from: 2, to: 5 } }]);
    expect(run(live, scale(5))).toMatchObject({ status: 'live', version: 1, spec: spec({ replicas: 5 }) });
  });

  it('decides nothing for the current count', () => {
    expect(decide(run(absentDeployment, apply({ replicas: 3 })), scale(3))).toEqual([]);
  });

  it('rejects a missing deployment with NotFound', () => {
    expect(() => decide(absentDeployment, scale(2))).toThrow(DeploymentNotFound);
  });

  it('rejects a deleted deployment with NotFound', () => {
    const deleted = run(run(absentDeployment, apply()), del);
    const error = catchError(() => decide(deleted, scale(2)));
    expect(error).toBeInstanceOf(PlatoError);
    expect(error).toMatchObject({ code: ErrorCode.NotFound, details: { kind: 'deployment', namespace: 'default', name: 'web' } });
  });
});

describe('decide DeleteDeployment', () => {
  it('deletes a live deployment, naming its version', () => {
    const live = run(absentDeployment, apply());
    expect(decide(live, del)).toEqual([{ type: 'DeploymentDeleted', data: { version: 1 } }]);
  });

  it('rejects a missing or already deleted deployment with NotFound', () => {
    expect(() => decide(absentDeployment, del)).toThrow(DeploymentNotFound);
    expect(() => decide(run(run(absentDeployment, apply()), del), del)).toThrow(DeploymentNotFound);
  });
});

describe('evolve', () => {
  it('ignores scale and delete events on an absent deployment', () => {
    expect(evolve(absentDeployment, { type: 'DeploymentScaled', data: { from: 1, to: 2 } })).toBe(absentDeployment);
    expect(evolve(absentDeployment, { type: 'DeploymentDeleted', data: { version: 1 } })).toBe(absentDeployment);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
