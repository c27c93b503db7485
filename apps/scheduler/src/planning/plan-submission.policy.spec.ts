import type { Plan, Unplaced } from '@plato/scheduling';
import { planParts, unplacedSignature, worthSubmitting, type BlockageView, type RecordedBlockage, type RecordedDegraded } from './plan-submission.policy.js';

const unplaced: Unplaced = {
  namespace: 'default',
  deployment: 'web',
  version: 1,
  count: 2,
  reasons: [{ check: 'insufficient memory', nodes: 1 }],
  summary: '1 node: insufficient memory',
};

function planOf(parts: Partial<Plan> = {}): Plan {
  return { basedOn: 7, createdAt: 0, placements: [], stops: [], unplaced: [], recoveries: [], degraded: [], delayed: [], rollouts: [], ...parts };
}

function view(blocked: Record<string, RecordedBlockage> = {}, degraded: Record<string, RecordedDegraded> = {}): BlockageView {
  return {
    deployments: [['default', 'web'], ['default', 'api']],
    blockage: (namespace, name) => blocked[`${namespace}/${name}`],
    degraded: (namespace, name) => degraded[`${namespace}/${name}`],
  };
}

describe('worthSubmitting', () => {
  it('sends a plan that only ends a rollout, once', () => {
    const rollouts = [{ namespace: 'default', deployment: 'web', version: 2, outcome: 'completed' as const }];
    expect(worthSubmitting(planOf({ rollouts }), view(), undefined)).toBe(true);
    expect(worthSubmitting(planOf({ rollouts }), view(), unplacedSignature([], [], rollouts))).toBe(false);
    expect(worthSubmitting(planOf(), view(), unplacedSignature([], [], rollouts))).toBe(false);
  });

  const crashLoop = { namespace: 'default', deployment: 'web', version: 1, reason: 'slot 0 failed 3 times or more within 1h; last failure: exit code 3 on node n1', failing: [0], givenUp: [] };

  it('sends a plan that recovers a lost allocation, and one whose degraded state differs from the recorded one', () => {
    expect(worthSubmitting(planOf({ recoveries: [{ allocId: 'a1', nodeId: 'n1' }] }), view(), undefined)).toBe(true);
    expect(worthSubmitting(planOf({ degraded: [crashLoop] }), view(), undefined)).toBe(true);
    expect(worthSubmitting(planOf({ degraded: [crashLoop] }), view({}, { 'default/web': { version: 1, reason: crashLoop.reason } }), undefined)).toBe(false);
    expect(worthSubmitting(planOf(), view({}, { 'default/web': { version: 1, reason: crashLoop.reason } }), undefined)).toBe(true);
  });

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

describe('planParts', () => {
  const stop = (i: number) => ({ allocId: `old-${i}`, nodeId: 'n1', reason: 'outdated' as const });
  const place = (i: number) => ({ allocId: `new-${i}`, nodeId: 'n1', namespace: 'default', deployment: 'web', version: 2, index: i, resources: { cpu: 10, memory: 4 } });

  it('sends a plan within the limit whole, as one part', () => {
    const plan = planOf({ stops: [stop(0)], placements: [place(0)] });
    expect(planParts(plan, 2)).toEqual([plan]);
    expect(planParts(planOf(), 2)).toEqual([planOf()]);
  });

  it('cuts every stop before any placement, each part within the limit', () => {
    const plan = planOf({ stops: [stop(0), stop(1)], placements: [place(0), place(1), place(2)] });
    expect(planParts(plan, 3).map((part) => [part.stops, part.placements])).toEqual([
      [[stop(0), stop(1)], [place(0)]],
      [[], [place(1), place(2)]],
    ]);
    expect(planParts(plan, 1).map((part) => [part.stops, part.placements])).toEqual([
      [[stop(0)], []],
      [[stop(1)], []],
      [[], [place(0)]],
      [[], [place(1)]],
      [[], [place(2)]],
    ]);
  });

  it('keeps every change exactly once, in order', () => {
    const plan = planOf({ stops: [0, 1, 2, 3, 4].map(stop), placements: [0, 1, 2, 3, 4, 5, 6].map(place) });
    for (const limit of [1, 2, 3, 5, 7, 11, 12]) {
      const parts = planParts(plan, limit);
      expect(parts.flatMap((part) => part.stops)).toEqual(plan.stops);
      expect(parts.flatMap((part) => part.placements)).toEqual(plan.placements);
      expect(parts.every((part) => part.stops.length + part.placements.length <= limit && part.basedOn === plan.basedOn)).toBe(true);
    }
  });

  it('carries what could not be placed in every part', () => {
    const unplaced = { namespace: 'default', deployment: 'web', version: 2, count: 1, reasons: [], summary: '1 node: cordoned' };
    const parts = planParts(planOf({ placements: [place(0), place(1)], unplaced: [unplaced] }), 1);
    expect(parts.map((part) => part.unplaced)).toEqual([[unplaced], [unplaced]]);
  });

  it('refuses a limit below one change', () => {
    expect(() => planParts(planOf(), 0)).toThrow(RangeError);
  });
});
