import fc from 'fast-check';
import type { AllocationInfo, DeploymentInfo } from '../cluster-snapshot.types.js';
import { allocationOf, mockDeployment } from '../testing/scheduling.factories.js';
import { rolloutStep } from './rollout.policy.js';
import { provenAt, stillServes } from './serving.rules.js';

const now = 1_000_000;
const minHealthy = 1_000;

/** One replica slot before a step: empty, or held by an old replica and/or a current one, each serving or not. */
const slotArb = fc.record({
  old: fc.constantFrom<'none' | 'serving' | 'down'>('none', 'serving', 'serving', 'down'),
  current: fc.constantFrom<'none' | 'proven' | 'starting'>('none', 'none', 'proven', 'starting'),
});

const caseArb = fc.record({
  slots: fc.array(slotArb, { minLength: 1, maxLength: 12 }),
  maxParallel: fc.integer({ min: 1, max: 6 }),
  order: fc.constantFrom('stop-first' as const, 'start-first' as const),
});

function build(slots: { old: string; current: string }[], maxParallel: number, order: 'stop-first' | 'start-first') {
  const replicas = slots.length;
  const update = { max_parallel: maxParallel, min_healthy_time: minHealthy, order };
  const v1 = mockDeployment({ spec: { replicas } });
  const v2: DeploymentInfo = mockDeployment({
    version: 2,
    spec: { replicas, image: 'plato/busybox:2', update },
    rollout: { version: 2, from: 1, status: 'running', promoted: false, startedAt: 0, since: 0, progressSince: 0 },
  });
  const old: AllocationInfo[] = [];
  const kept: AllocationInfo[] = [];
  slots.forEach((slot, index) => {
    if (slot.old !== 'none') old.push(allocationOf(v1, 'n1', index, { status: slot.old === 'serving' ? 'running' : 'pending' }));
    if (slot.current !== 'none') {
      const since = slot.current === 'proven' ? now - minHealthy : now - 10;
      kept.push(allocationOf(v2, 'n1', index, { status: 'running', servingSince: since, placedAt: since }));
    }
  });
  return { v2, kept, old, replicas };
}

/** Slots that serve: held by a current replica proven healthy, or by an old one still serving. */
function serving(kept: readonly AllocationInfo[], old: readonly AllocationInfo[]): number {
  const slots = new Set([...kept.filter((a) => provenAt(a, minHealthy, now) !== undefined), ...old.filter(stillServes)].map((a) => a.index));
  return slots.size;
}

describe('rollout step properties', () => {
  it('never takes serving replicas below replicas - max_parallel (or below what served already)', () => {
    fc.assert(
      fc.property(caseArb, ({ slots, maxParallel, order }) => {
        const { v2, kept, old, replicas } = build(slots, maxParallel, order);
        const step = rolloutStep(v2, kept, old, now);
        const stopped = new Set(step.stops);
        const before = serving(kept, old);
        const after = serving(kept, old.filter((a) => !stopped.has(a)));
        expect(after).toBeGreaterThanOrEqual(Math.min(before, replicas - maxParallel));
      }),
    );
  });

  it('with start-first, stops a serving old replica only once a proven current one holds its slot', () => {
    fc.assert(
      fc.property(caseArb, ({ slots, maxParallel }) => {
        const { v2, kept, old } = build(slots, maxParallel, 'start-first');
        const proven = new Set(kept.filter((a) => provenAt(a, minHealthy, now) !== undefined).map((a) => a.index));
        for (const stop of rolloutStep(v2, kept, old, now).stops) {
          if (stillServes(stop) && stop.index < slots.length) expect(proven.has(stop.index)).toBe(true);
        }
      }),
    );
  });

  it('accounts for every old replica once: stopped or held', () => {
    fc.assert(
      fc.property(caseArb, ({ slots, maxParallel, order }) => {
        const { v2, kept, old } = build(slots, maxParallel, order);
        const step = rolloutStep(v2, kept, old, now);
        expect([...step.stops, ...step.held].map((a) => a.id).sort()).toEqual(old.map((a) => a.id).sort());
        for (const slot of step.surge) expect(step.held.some((a) => a.index === slot)).toBe(true);
      }),
    );
  });
});
