import { decideNode, replayNode, absentNode, NodeNotFound, type NodeCommand, type NodeState } from './node.aggregate.js';

type Over = Partial<{
  capacity: { cpu: number; memory: number };
  labels: Record<string, string>;
  runtimes: ('docker' | 'lxd')[];
  unavailableRuntimes: { runtime: 'docker' | 'lxd'; reason: string }[];
}>;
const register = (over: Over = {}): NodeCommand => ({
  type: 'RegisterNode',
  commandId: 'cmd-register-1',
  nodeId: 'n1',
  hostname: 'host-1',
  capacity: over.capacity ?? { cpu: 2000, memory: 4096 },
  labels: over.labels ?? { rack: 'a' },
  runtimes: over.runtimes ?? ['docker'],
  unavailableRuntimes: over.unavailableRuntimes ?? [],
});
const run = (state: NodeState, command: NodeCommand) => replayNode(decideNode(state, command), state);

describe('Node aggregate', () => {
  it('registers a node once, and again only when its facts change', () => {
    const registered = run(absentNode, register());
    expect(registered).toMatchObject({ status: 'registered', cordoned: false, liveness: 'ready' });
    expect(decideNode(registered, register())).toEqual([]);
    expect(decideNode(registered, register({ labels: { rack: 'b' } }))).toEqual([
      { type: 'NodeRegistered', data: expect.objectContaining({ labels: { rack: 'b' } }) },
    ]);
  });

  it('drains a node: cordons it, starts once per deadline, ends drained, and uncordon forgets the drain', () => {
    const registered = run(absentNode, register());
    const deadline = '2026-12-02T12:00:00.000Z';
    expect(decideNode(registered, { type: 'DrainNode', nodeId: 'n1', deadline }).map((e) => e.type)).toEqual(['NodeCordoned', 'NodeDrainStarted']);
    const draining = run(registered, { type: 'DrainNode', nodeId: 'n1', deadline });
    expect(draining).toMatchObject({ cordoned: true, drain: { status: 'draining', deadline } });
    expect(decideNode(draining, { type: 'DrainNode', nodeId: 'n1', deadline })).toEqual([]);
    expect(decideNode(draining, { type: 'DrainNode', nodeId: 'n1' })).toEqual([{ type: 'NodeDrainStarted', data: {} }]);
    const drained = run(draining, { type: 'MarkNodeDrained', nodeId: 'n1' });
    expect(drained).toMatchObject({ cordoned: true, drain: { status: 'drained' } });
    expect(decideNode(drained, { type: 'MarkNodeDrained', nodeId: 'n1' })).toEqual([]);
    const back = run(drained, { type: 'UncordonNode', nodeId: 'n1' });
    expect(back).toMatchObject({ cordoned: false });
    expect(back).not.toHaveProperty('drain');
    expect(() => decideNode(absentNode, { type: 'DrainNode', nodeId: 'n9' })).toThrow(NodeNotFound);
  });

  it('cordons and uncordons idempotently, and refuses an unknown node', () => {
    const registered = run(absentNode, register());
    const cordoned = run(registered, { type: 'CordonNode', nodeId: 'n1' });
    expect(cordoned).toMatchObject({ cordoned: true });
    expect(decideNode(cordoned, { type: 'CordonNode', nodeId: 'n1' })).toEqual([]);
    expect(run(cordoned, { type: 'UncordonNode', nodeId: 'n1' })).toMatchObject({ cordoned: false });
    expect(() => decideNode(absentNode, { type: 'CordonNode', nodeId: 'n9' })).toThrow(NodeNotFound);
  });

  it('marks a silent node lost once, and recovers it when it registers or heartbeats again', () => {
    const registered = run(absentNode, register());
    const lost = run(registered, { type: 'MarkNodeLost', nodeId: 'n1', lastSeen: '2026-11-22T00:00:00.000Z', timeoutMs: 3000 });
    expect(lost).toMatchObject({ liveness: 'lost' });
    expect(decideNode(lost, { type: 'MarkNodeLost', nodeId: 'n1', lastSeen: '2026-11-22T00:00:00.000Z', timeoutMs: 3000 })).toEqual([]);
    expect(decideNode(lost, register())).toEqual([{ type: 'NodeRecovered', data: {} }]);
    expect(run(lost, { type: 'MarkNodeAlive', nodeId: 'n1' })).toMatchObject({ liveness: 'ready' });
    expect(decideNode(registered, { type: 'MarkNodeAlive', nodeId: 'n1' })).toEqual([]);
  });

  it('records each change of a runtime\'s health once, and forgets it for a runtime the node no longer offers', () => {
    const both = { runtimes: ['docker', 'lxd'] as ('docker' | 'lxd')[] };
    const lxdDown = { ...both, unavailableRuntimes: [{ runtime: 'lxd' as const, reason: 'lxd at /var/lib/lxd/unix.socket is unavailable: connect ENOENT' }] };
    const registered = run(absentNode, register(both));
    expect(decideNode(registered, register(lxdDown))).toEqual([
      { type: 'NodeRuntimeUnavailable', data: { runtime: 'lxd', reason: 'lxd at /var/lib/lxd/unix.socket is unavailable: connect ENOENT' } },
    ]);
    const down = run(registered, register(lxdDown));
    expect(down).toMatchObject({ unavailableRuntimes: { lxd: expect.stringContaining('ENOENT') } });
    expect(decideNode(down, register({ ...lxdDown, unavailableRuntimes: [{ runtime: 'lxd', reason: 'connect ECONNREFUSED' }] }))).toEqual([]);
    expect(decideNode(down, register(both))).toEqual([{ type: 'NodeRuntimeAvailable', data: { runtime: 'lxd' } }]);
    expect(run(down, register(both))).toMatchObject({ unavailableRuntimes: {} });
    const dropped = run(down, register({ runtimes: ['docker'] }));
    expect(dropped).toMatchObject({ unavailableRuntimes: {}, facts: { runtimes: ['docker'] } });
  });
});
