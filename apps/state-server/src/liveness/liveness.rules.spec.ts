import { overdueNodes } from './liveness.rules.js';

describe('overdueNodes', () => {
  const nodes = [
    { nodeId: 'n1', state: 'ready' as const },
    { nodeId: 'n2', state: 'ready' as const },
    { nodeId: 'n3', state: 'lost' as const },
  ];

  it('names the ready nodes whose last heartbeat is older than the timeout', () => {
    const lastSeen = new Map([
      ['n1', 10_000],
      ['n2', 12_500],
      ['n3', 0],
    ]);
    expect(overdueNodes({ nodes, lastSeen, startedAt: 9_000, now: 13_001, timeoutMs: 3_000 })).toEqual([{ nodeId: 'n1', lastSeen: 10_000 }]);
  });

  it('does not mark a node lost exactly at the timeout', () => {
    expect(overdueNodes({ nodes, lastSeen: new Map([['n1', 10_000], ['n2', 10_000]]), startedAt: 0, now: 13_000, timeoutMs: 3_000 })).toEqual([]);
  });

  it('gives every node a full timeout of grace from the start when it was not heard from since', () => {
    const input = { nodes, lastSeen: new Map<string, number>(), startedAt: 50_000, timeoutMs: 3_000 };
    expect(overdueNodes({ ...input, now: 52_999 })).toEqual([]);
    expect(overdueNodes({ ...input, now: 53_001 })).toEqual([
      { nodeId: 'n1', lastSeen: 50_000 },
      { nodeId: 'n2', lastSeen: 50_000 },
    ]);
  });
});
