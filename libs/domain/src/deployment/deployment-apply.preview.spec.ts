import { DeploymentSpec, type DeploymentSpecInput } from '@plato/contracts';
import { previewApply } from './deployment-apply.preview.js';
import { decide, replay } from './deployment.decider.js';
import type { DeploymentCommand } from './deployment.commands.js';
import { absentDeployment, type DeploymentState } from './deployment.state.js';

const spec = (input: Partial<DeploymentSpecInput> = {}) => DeploymentSpec.parse({ name: 'web', image: 'plato/busybox:latest', ...input });
const run = (state: DeploymentState, command: DeploymentCommand): DeploymentState => replay(decide(state, command), state);
const applied = (input: Partial<DeploymentSpecInput> = {}, state: DeploymentState = absentDeployment) =>
  run(state, { type: 'ApplyDeployment', commandId: 'cmd-1', spec: spec(input) });

describe('previewApply', () => {
  it('previews a new deployment as create at version 1', () => {
    const preview = previewApply(absentDeployment, spec({ replicas: 3 }));
    expect(preview).toMatchObject({ change: 'create', fromVersion: 0, version: 1, changedFields: [] });
    expect(preview.events.map((event) => event.type)).toEqual(['DeploymentSpecApplied']);
    expect(preview.next).toMatchObject({ status: 'live', version: 1, spec: spec({ replicas: 3 }) });
  });

  it('previews the same spec as unchanged, writing nothing', () => {
    const live = applied({ replicas: 2 });
    expect(previewApply(live, spec({ replicas: 2 }))).toEqual({ change: 'unchanged', fromVersion: 1, version: 1, changedFields: [], events: [], next: live });
  });

  it('previews a replica count change as an in-place scale naming replicas', () => {
    const preview = previewApply(applied({ replicas: 2 }), spec({ replicas: 5 }));
    expect(preview).toMatchObject({ change: 'scale', fromVersion: 1, version: 1, changedFields: ['replicas'] });
    expect(preview.events).toEqual([{ type: 'DeploymentScaled', data: { from: 2, to: 5 } }]);
  });

  it('previews other changes as a new version naming each changed field in spec order', () => {
    const preview = previewApply(applied({ replicas: 2 }), spec({ replicas: 3, image: 'plato/busybox:2', env: { A: '1' } }));
    expect(preview).toMatchObject({ change: 'new-version', fromVersion: 1, version: 2, changedFields: ['image', 'env', 'replicas'] });
  });

  it('previews an apply after a delete as recreate, compared with the last spec', () => {
    const deleted = run(applied(), { type: 'DeleteDeployment', commandId: 'cmd-2', namespace: 'default', name: 'web' });
    expect(previewApply(deleted, spec())).toMatchObject({ change: 'recreate', fromVersion: 1, version: 2, changedFields: [] });
  });

  it('agrees with decide for the state it leads to', () => {
    const live = applied({ replicas: 1 });
    for (const next of [spec({ replicas: 1 }), spec({ replicas: 4 }), spec({ image: 'plato/busybox:3' })]) {
      expect(previewApply(live, next).next).toEqual(run(live, { type: 'ApplyDeployment', commandId: 'cmd-3', spec: next }));
    }
  });
});
