import type { DeploymentPlanPreview } from '@plato/contracts';
import { applyHint, formatPlanPreview } from './plan.format.js';

const preview = (overrides: Partial<DeploymentPlanPreview> = {}): DeploymentPlanPreview => ({
  namespace: 'default',
  name: 'web',
  revision: 12,
  position: 57,
  change: 'create',
  update: 'none',
  fromVersion: 0,
  version: 1,
  replicas: { from: 0, to: 3 },
  changedFields: [],
  events: ['DeploymentSpecApplied'],
  placements: [],
  stops: [],
  kept: 0,
  elsewhere: { placements: 0, stops: 0 },
  ...overrides,
});
const placed = (...nodes: string[]) => nodes.map((nodeId, index) => ({ nodeId, index, version: 1 }));

describe('formatPlanPreview', () => {
  it('shows a new deployment as placements tallied per node, most first', () => {
    expect(formatPlanPreview(preview({ revision: 0, placements: placed('node-b', 'node-a', 'node-a') }))).toBe(
      'deployment default/web: create version 1 with 3 replicas\n' +
        '  + place 3 (node-a ×2, node-b ×1)\n' +
        '  planned against revision 0 of default/web at log position 57\n',
    );
  });

  it('shows a scale as an update in place, with the replicas kept', () => {
    const scale = preview({ change: 'scale', update: 'in-place', fromVersion: 1, replicas: { from: 3, to: 4 }, changedFields: ['replicas'], kept: 3, placements: [{ nodeId: 'node-b', index: 3, version: 1 }] });
    expect(formatPlanPreview(scale)).toBe(
      'deployment default/web: scale 3 → 4 (version 1); changed: replicas\n' +
        '  + place 1 (node-b ×1)\n' +
        '  ~ update in place: 3 allocations kept running\n' +
        '  planned against revision 12 of default/web at log position 57\n',
    );
  });

  it('shows a new version as stops of the outdated allocations, placements and a replacement, with pending replicas and why', () => {
    const stop = (allocId: string, nodeId: string) => ({ allocId, nodeId, version: 1, index: 0, reason: 'outdated' as const });
    const text = formatPlanPreview(
      preview({
        change: 'new-version',
        update: 'replacement',
        fromVersion: 1,
        version: 2,
        replicas: { from: 3, to: 3 },
        changedFields: ['image', 'env'],
        stops: [stop('web-0', 'node-a'), stop('web-1', 'node-a'), stop('web-2', 'node-b')],
        placements: placed('node-a', 'node-a'),
        unplaced: { namespace: 'default', deployment: 'web', version: 2, count: 1, reasons: [{ check: 'insufficient memory', nodes: 2 }], summary: '2 nodes: insufficient memory' },
        elsewhere: { placements: 2, stops: 1 },
      }),
    );
    expect(text).toBe(
      'deployment default/web: new version 2 (was 1); changed: image, env\n' +
        '  - stop 3 (outdated) on node-a ×2, node-b ×1\n' +
        '  + place 2 (node-a ×2)\n' +
        '  ! pending 1: 2 nodes: insufficient memory\n' +
        '  ~ replacement: 3 allocations of older versions replaced by version 2\n' +
        '  (the same plan also places 2 and stops 1 allocations of other deployments)\n' +
        '  planned against revision 12 of default/web at log position 57\n',
    );
  });

  it('shows a scale-down as stops in place and an unchanged spec as nothing to do', () => {
    const stops = [
      { allocId: 'web-2', nodeId: 'node-b', version: 1, index: 2, reason: 'scaled-down' as const },
      { allocId: 'web-1', nodeId: 'node-a', version: 1, index: 1, reason: 'scaled-down' as const },
    ];
    const down = preview({ change: 'scale', update: 'in-place', fromVersion: 1, replicas: { from: 3, to: 1 }, kept: 1, stops });
    expect(formatPlanPreview(down)).toContain('  - stop 2 (scaled-down) on node-a ×1, node-b ×1\n  ~ update in place: 1 allocation kept running\n');
    expect(formatPlanPreview(preview({ change: 'unchanged', fromVersion: 1, replicas: { from: 3, to: 3 }, events: [], kept: 3 }))).toBe(
      'deployment default/web: no change (version 1, 3 replicas)\n' +
        '  = 3 allocations running as they are\n' +
        '  planned against revision 12 of default/web at log position 57\n',
    );
  });
});

describe('applyHint', () => {
  it('names the apply conditional on the planned revision for one deployment, and nothing to apply when unchanged', () => {
    expect(applyHint('web.yaml', [preview()])).toBe('to apply exactly this: plato apply -f web.yaml --if-revision 12\n');
    expect(applyHint('web.yaml', [preview({ change: 'unchanged' })])).toBe('nothing to apply\n');
    expect(applyHint('all.yaml', [preview(), preview({ name: 'api' })])).toMatch(/^to apply: plato apply -f all\.yaml \(/);
  });
});
