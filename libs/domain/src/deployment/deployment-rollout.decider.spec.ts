import { DeploymentSpec, ErrorCode, PlatoError, type DeploymentSpecInput } from '@plato/contracts';
import { decide, replay } from './deployment.decider.js';
import type { DeploymentCommand } from './deployment.commands.js';
import { absentDeployment, versionsKept, type DeploymentState } from './deployment.state.js';

const update = { max_parallel: 2, min_healthy_time: '1s', healthy_deadline: '10s', progress_deadline: '20s' };
const spec = (input: Partial<DeploymentSpecInput> = {}) => DeploymentSpec.parse({ name: 'web', image: 'plato/busybox:latest', replicas: 4, update, ...input });
const apply = (input: Partial<DeploymentSpecInput> = {}): DeploymentCommand => ({ type: 'ApplyDeployment', commandId: 'cmd-apply-1', spec: spec(input) });
const target = { commandId: 'cmd-rollout-1', namespace: 'default', name: 'web' };
const pause: DeploymentCommand = { type: 'PauseRollout', ...target };
const resume: DeploymentCommand = { type: 'ResumeRollout', ...target };
const promote: DeploymentCommand = { type: 'PromoteRollout', ...target };
const undo = (toVersion?: number): DeploymentCommand => ({ type: 'UndoRollout', ...target, ...(toVersion !== undefined ? { toVersion } : {}) });
const complete = (version: number): DeploymentCommand => ({ type: 'CompleteRollout', version });
const fail = (version: number, reason = 'allocation a1 (slot 0) not healthy within 10s'): DeploymentCommand => ({ type: 'FailRollout', version, reason });

function run(state: DeploymentState, ...commands: DeploymentCommand[]): DeploymentState {
  return commands.reduce((current, command) => replay(decide(current, command), current), state);
}

function conflict(state: DeploymentState, command: DeploymentCommand): string {
  try {
    decide(state, command);
  } catch (error) {
    expect(error).toBeInstanceOf(PlatoError);
    expect((error as PlatoError).code).toBe(ErrorCode.Conflict);
    return (error as Error).message;
  }
  throw new Error(`${command.type} was accepted`);
}

/** Version 1 rolled out and stable, version 2 rolling. */
const rolling = () => run(absentDeployment, apply(), complete(1), apply({ image: 'plato/busybox:2' }));

describe('rollouts in the Deployment aggregate', () => {
  it('starts a rollout with every new version of a spec with an update block, from the version before', () => {
    expect(decide(absentDeployment, apply()).map((e) => e.type)).toEqual(['DeploymentSpecApplied', 'RolloutStarted']);
    const v1 = run(absentDeployment, apply());
    expect(decide(v1, apply({ image: 'plato/busybox:2' }))).toEqual([
      { type: 'DeploymentSpecApplied', data: { version: 2, spec: spec({ image: 'plato/busybox:2' }) } },
      { type: 'RolloutStarted', data: { version: 2, from: 1 } },
    ]);
    expect(decide(v1, apply({ replicas: 6 })).map((e) => e.type)).toEqual(['DeploymentScaled']);
    expect(rolling()).toMatchObject({ version: 2, rollout: { version: 2, from: 1, status: 'running', promoted: false } });
  });

  it('counts a version without an update block stable at once, one with it once its rollout completes', () => {
    const plain = run(absentDeployment, apply({ update: undefined }));
    expect(plain).toMatchObject({ history: [{ version: 1, stable: true }] });
    expect(plain).not.toHaveProperty('rollout');
    const v1 = run(absentDeployment, apply());
    expect(v1).toMatchObject({ history: [{ version: 1, stable: false }] });
    expect(run(v1, complete(1))).toMatchObject({ history: [{ version: 1, stable: true }], rollout: { status: 'completed' } });
    expect(decide(run(v1, complete(1)), complete(1))).toEqual([]);
  });

  it('pauses, resumes and promotes only a rollout in progress, once', () => {
    const canary = run(absentDeployment, apply(), complete(1), apply({ image: 'plato/busybox:2', update: { ...update, canary: 1 } }));
    expect(decide(canary, pause)).toEqual([{ type: 'RolloutPaused', data: { version: 2 } }]);
    const paused = run(canary, pause);
    expect(decide(paused, pause)).toEqual([]);
    expect(decide(paused, resume)).toEqual([{ type: 'RolloutResumed', data: { version: 2 } }]);
    expect(decide(canary, resume)).toEqual([]);
    expect(decide(canary, promote)).toEqual([{ type: 'RolloutPromoted', data: { version: 2 } }]);
    expect(decide(run(canary, promote), promote)).toEqual([]);
    expect(conflict(rolling(), promote)).toBe('deployment default/web: the rollout of version 2 has no canaries to promote');
    expect(conflict(run(rolling(), complete(2)), pause)).toBe('deployment default/web: no rollout in progress (the rollout of version 2 completed)');
    expect(conflict(run(absentDeployment, apply({ update: undefined })), resume)).toBe('deployment default/web: no rollout in progress (version 1 has no rollout)');
  });

  it('fails a rollout and brings the last stable version back as a new version, keeping the replica count', () => {
    const scaled = run(rolling(), { type: 'ScaleDeployment', commandId: 'cmd-scale-1', namespace: 'default', name: 'web', replicas: 6 });
    const events = decide(scaled, fail(2));
    expect(events).toEqual([
      { type: 'RolloutFailed', data: { version: 2, reason: 'allocation a1 (slot 0) not healthy within 10s', revertTo: 1 } },
      { type: 'DeploymentSpecApplied', data: { version: 3, spec: spec({ replicas: 6 }), revertOf: 1 } },
      { type: 'RolloutStarted', data: { version: 3, from: 2 } },
    ]);
    const reverted = replay(events, scaled);
    expect(reverted).toMatchObject({
      version: 3,
      compatible: [1],
      rollout: { version: 3, from: 2, revertOf: 1, status: 'running', afterFailureOf: { version: 2, reason: 'allocation a1 (slot 0) not healthy within 10s' } },
    });
    expect(decide(reverted, fail(3))).toEqual([{ type: 'RolloutFailed', data: { version: 3, reason: 'allocation a1 (slot 0) not healthy within 10s' } }]);
    expect(decide(reverted, fail(2))).toEqual([]);
  });

  it('fails without a revert when auto_revert is off or nothing is stable', () => {
    const manual = run(absentDeployment, apply(), complete(1), apply({ image: 'plato/busybox:2', update: { ...update, auto_revert: false } }));
    expect(decide(manual, fail(2)).map((e) => e.type)).toEqual(['RolloutFailed']);
    const never = run(absentDeployment, apply(), apply({ image: 'plato/busybox:2' }));
    expect(decide(never, fail(2)).map((e) => e.type)).toEqual(['RolloutFailed']);
    expect(decide(run(rolling(), pause), fail(2))).toEqual([]);
  });

  it('undoes to the newest stable version before the current one, or to a kept version named', () => {
    const done = run(rolling(), complete(2), apply({ image: 'plato/busybox:3' }), complete(3));
    expect(decide(done, undo())).toEqual([
      { type: 'DeploymentSpecApplied', data: { version: 4, spec: spec({ image: 'plato/busybox:2' }), revertOf: 2 } },
      { type: 'RolloutStarted', data: { version: 4, from: 3 } },
    ]);
    expect(decide(done, undo(1))[0]).toEqual({ type: 'DeploymentSpecApplied', data: { version: 4, spec: spec(), revertOf: 1 } });
    expect(conflict(done, undo(3))).toBe('deployment default/web: version 3 is the current version');
    expect(conflict(run(absentDeployment, apply()), undo())).toBe('deployment default/web: no stable version before version 1 to go back to (kept: 1)');
    let many = run(absentDeployment, apply());
    for (let i = 2; i <= versionsKept + 2; i++) many = run(many, apply({ image: `plato/busybox:${i}` }));
    expect(conflict(many, undo(1))).toMatch(/^deployment default\/web: version 1 is not kept \(kept: 3, 4, .*, 12\)$/);
    expect(() => decide(absentDeployment, undo())).toThrow('deployment default/web not found');
  });

  it('keeps allocations of earlier versions with the same workload: a change of update alone is compatible', () => {
    const tuned = run(absentDeployment, apply(), apply({ update: { ...update, max_parallel: 3 } }));
    expect(tuned).toMatchObject({ version: 2, compatible: [1] });
    expect(run(tuned, apply({ image: 'plato/busybox:2' }))).toMatchObject({ version: 3, compatible: [] });
    expect(run(tuned, apply({ env: { A: '1' } }))).toMatchObject({ compatible: [] });
  });
});
