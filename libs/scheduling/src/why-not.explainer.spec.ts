import { parseConstraint } from './feasibility/constraint.parser.js';
import type { Ask } from './feasibility/feasibility.checkers.js';
import { mockNode } from './testing/scheduling.factories.js';
import { countFailures, summarize } from './why-not.explainer.js';

describe('why-not', () => {
  const ask: Ask = { runtime: 'docker', resources: { cpu: 100, memory: 4096 }, constraints: [parseConstraint('rack=b')] };
  const withFree = (freeMemory: number, overrides: Parameters<typeof mockNode>[0] = {}) => ({ node: mockNode({ labels: { rack: 'b' }, ...overrides }), freeCpu: 4000, freeMemory });

  it('counts each node once, under its first failed check, and renders most nodes first', () => {
    const candidates = [
      withFree(1024, { id: 'n1' }),
      withFree(2048, { id: 'n2' }),
      withFree(0, { id: 'n3' }),
      withFree(8192, { id: 'n4', labels: { rack: 'a' } }),
      withFree(0, { id: 'n5', cordoned: true, labels: { rack: 'a' } }),
    ];
    const reasons = countFailures(candidates, ask);
    expect(reasons).toEqual([
      { check: 'insufficient memory', nodes: 3 },
      { check: 'constraint rack=b not met', nodes: 1 },
      { check: 'cordoned', nodes: 1 },
    ]);
    expect(summarize(reasons)).toBe('3 nodes: insufficient memory; 1 node: constraint rack=b not met; 1 node: cordoned');
  });

  it('does not count a node that passes every check', () => {
    expect(countFailures([withFree(8192)], ask)).toEqual([]);
  });

  it('says so when there is no node at all', () => {
    expect(summarize([])).toBe('no nodes');
  });
});
