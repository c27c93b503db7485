import type { Ask } from '../feasibility/feasibility.checkers.js';
import { mockNode } from '../testing/scheduling.factories.js';
import { binpack, freeShareAfter, selectNode, spread, type RankCandidate } from './node.rankers.js';

const ask: Ask = { runtime: 'docker', resources: { cpu: 1000, memory: 1024 }, constraints: [] };

function candidate(id: string, freeCpu: number, freeMemory: number, collocated = 0): RankCandidate {
  return { node: mockNode({ id, capacity: { cpu: 4000, memory: 8192 } }), freeCpu, freeMemory, collocated };
}

describe('rankers', () => {
  it('freeShareAfter averages the CPU and memory shares left after the placement', () => {
    expect(freeShareAfter(candidate('a', 4000, 8192), ask)).toBeCloseTo((3000 / 4000 + 7168 / 8192) / 2);
    expect(freeShareAfter(candidate('a', 1000, 1024), ask)).toBe(0);
  });

  it('binpack prefers the fuller node', () => {
    const full = candidate('b', 1000, 2048);
    const empty = candidate('a', 4000, 8192);
    expect(binpack(full, ask)).toBeLessThan(binpack(empty, ask));
    expect(selectNode([empty, full], ask, binpack)).toBe(full);
  });

  it('spread prefers the node with fewer allocations of the deployment, then the emptier one', () => {
    const emptyButCrowded = candidate('a', 4000, 8192, 2);
    const fullButAlone = candidate('b', 1000, 1024, 1);
    const emptierAlone = candidate('c', 3000, 4096, 1);
    expect(selectNode([emptyButCrowded, fullButAlone], ask, spread)).toBe(fullButAlone);
    expect(selectNode([emptyButCrowded, fullButAlone, emptierAlone], ask, spread)).toBe(emptierAlone);
  });

  it('selectNode breaks equal scores by the lowest node id and skips nodes without room', () => {
    const a = candidate('a', 4000, 8192);
    const b = candidate('b', 4000, 8192);
    expect(selectNode([a, b], ask, binpack)).toBe(a);
    expect(selectNode([a, b], ask, spread)).toBe(a);
    expect(selectNode([candidate('a', 999, 8192), b], ask, binpack)).toBe(b);
    expect(selectNode([candidate('a', 999, 8192)], ask, binpack)).toBeUndefined();
  });
});
