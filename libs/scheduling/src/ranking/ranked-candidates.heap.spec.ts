import fc from 'fast-check';
import { RankedCandidates } from './ranked-candidates.heap.js';

describe('RankedCandidates', () => {
  it('pops by lowest score, then lowest order, and takes pushes back in', () => {
    const heap = RankedCandidates.of(['c', 'a', 'b'], [0.5, 0.2, 0.2], [2, 0, 1]);
    expect(heap.pop()).toBe('a');
    heap.push('a', 0.9, 0);
    expect([heap.pop(), heap.pop(), heap.pop(), heap.pop()]).toEqual(['b', 'c', 'a', undefined]);
    expect(heap.size).toBe(0);
  });

  it('pops in the order of a stable sort by score and order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 50 }), (scores) => {
        const orders = scores.map((_, i) => i);
        const heap = RankedCandidates.of([...orders], [...scores], [...orders]);
        const popped: number[] = [];
        for (let item = heap.pop(); item !== undefined; item = heap.pop()) popped.push(item);
        expect(popped).toEqual([...orders].sort((a, b) => (scores[a] ?? 0) - (scores[b] ?? 0) || a - b));
      }),
    );
  });
});
