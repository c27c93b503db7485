import type { Plan, Unplaced } from '@plato/scheduling';
import { firstBatch, unplacedSignature, worthSubmitting, type BlockageView, type RecordedBlockage } from './plan-submission.policy.js';

const unplaced: Unplaced = {
  namespace: 'default',
  deployment: 'web',
  version: 1,
  count: 2,
  reasons: [{ check: 'insufficient memory', nodes: 1 }],
  summary: '1 node: insufficient memory',
};

function planOf(parts: Partial<Plan> = {}): Plan {
  return { basedOn: 7, createdAt: 0, placements: [], stops: [], unplaced: [], ...parts };
}

function view(blocked: Record<string, RecordedBlockage> = {}): BlockageView {
  return {
    deployments: [['default', 'web'], ['default', 'api']],
    blockage: (namespace, name) => blocked[`${namespace}/${name}`],
  };
}

describe('worthSubmitting', () => {
  it('sends a plan that places or stops something', () => {
    const placement = { allocId: 'web-0-1', nodeId: 'n1', namespace: 'default', deployment: 'web', version: 1, index: 0, resources: { cpu: 1, memory: 1 } };
    expect(worthSubmitting(planOf({ placements: [placement] }), view(), undefined)).toBe(true);
    expect(worthSubmitting(planOf({ stops: [{ allocId: 'web-0-1', nodeId: 'n1', reason: 'scaled-down' }] }), view(), undefined)).toBe(true);
  });

  it('does not send an empty plan when nothing is blocked', () => {
    expect(worthSubmitting(planOf(), view(), undefined)).toBe(false);
  });

  it('sends a new or changed blockage, not one the log already records', () => {
    expect(worthSubmitting(planOf({ unplaced: [unplaced] }), view(), undefined)).toBe(true);
    const recorded = { version: 1, missing: 2, summary: unplaced.summary };
    expect(worthSubmitting(planOf({ unplaced: [unplaced] }), view({ 'default/web': recorded }), undefined)).toBe(false);
    expect(worthSubmitting(planOf({ unplaced: [unplaced] }), view({ 'default/web': { ...recorded, missing: 1 } }), undefined)).toBe(true);
  });

  it('sends a plan that clears a recorded blockage', () => {
    expect(worthSubmitting(planOf(), view({ 'default/api': { version: 1, missing: 1, summary: 'x' } }), undefined)).toBe(true);
  });

  it('does not resend the unplaced part it last had accepted, even if the log did not record it', () => {
    const lastSent = unplacedSignature([unplaced]);
    expect(worthSubmitting(planOf({ unplaced: [unplaced] }), view(), lastSent)).toBe(false);
    expect(worthSubmitting(planOf(), view({ 'default/api': { version: 1, missing: 1, summary: 'x' } }), unplacedSignature([]))).toBe(false);
  });
});

describe('firstBatch', () => {
  const stop = (i: number) => ({ allocId: `old-${i}`, nodeId: 'n1', reason: 'outdated' as const });
  const place = (i: number) => ({ allocId: `new-${i}`, nodeId: 'n1', namespace: 'default', deployment: 'web', version: 2, index: i, resources: { cpu: 10, memory: 4 } });

  it('sends a plan within the limit whole', () => {
    const plan = planOf({ stops: [stop(0)], placements: [place(0)] });
    expect(firstBatch(plan, 2)).toBe(plan);
  });

  it('sends every stop before any placement, and placements only when all stops fit', () => {
    const plan = planOf({ stops: [stop(0), stop(1)], placements: [place(0), place(1), place(2)] });
    expect(firstBatch(plan, 3)).toMatchObject({ stops: [stop(0), stop(1)], placements: [place(0)] });
    expect(firstBatch(plan, 1)).toMatchObject({ stops: [stop(0)], placements: [] });
  });

  it('keeps what could not be placed, whatever the cut', () => {
    const unplaced = { namespace: 'default', deployment: 'web', version: 2, count: 1, reasons: [], summary: '1 node: cordoned' };
    expect(firstBatch(planOf({ placements: [place(0), place(1)], unplaced: [unplaced] }), 1).unplaced).toEqual([unplaced]);
  });
});
