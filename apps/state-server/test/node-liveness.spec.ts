import { ApplyDeployment, GetNode, ListAllocations, RegisterNode, StreamHistory, SubmitPlan, Subjects } from '@plato/contracts';
import { request } from '@plato/messaging';
import { eventually } from '@plato/testing';
import { StateServerConfig } from '../src/index.js';
import { StateServerHarness, commandId, nodeRegistration } from './state-server.harness.js';

describe('node liveness from heartbeats (real nats-server, 300 ms timeout)', () => {
  let h: StateServerHarness;

  beforeAll(async () => {
    h = await StateServerHarness.start(new StateServerConfig(300));
  });

  afterAll(async () => {
    await h?.stop();
  });

  const types = async (stream: string) => (await request(h.client, StreamHistory, { stream })).events.map((event) => event.type);
  const stateOf = async (nodeId: string) => (await request(h.client, GetNode, { nodeId })).state;

  it('marks a silent node lost and its allocations lost, keeps a heartbeating one ready, and recovers the lost one on a heartbeat', async () => {
    await request(h.client, RegisterNode, nodeRegistration('beating'));
    h.startHeartbeat('beating');
    await request(h.client, RegisterNode, nodeRegistration('silent'));
    h.startHeartbeat('silent');
    await request(h.client, ApplyDeployment, { commandId: commandId(), spec: { name: 'web', image: 'plato/busybox:latest', replicas: 2 } });
    await request(h.client, SubmitPlan, {
      commandId: commandId(),
      plan: {
        basedOn: 0,
        createdAt: Date.now(),
        placements: ['silent', 'beating'].map((nodeId, index) => ({
          allocId: `web-${index}`,
          nodeId,
          namespace: 'default',
          deployment: 'web',
          version: 1,
          index,
          resources: { cpu: 100, memory: 64 },
        })),
        stops: [],
        unplaced: [],
      },
    });

    h.stopHeartbeat('silent');
    await eventually(async () => (await stateOf('silent')) === 'lost', { timeoutMs: 5_000, description: 'node silent lost' });
    await eventually(async () => (await types('alloc.silent.web-0')).includes('AllocationLost'), { timeoutMs: 5_000, description: 'web-0 lost' });
    expect(await stateOf('beating')).toBe('ready');
    expect(await types('alloc.beating.web-1')).toEqual(['AllocationPlaced']);
    const all = (await request(h.client, ListAllocations, { deployment: 'web', namespace: 'default', includeTerminal: true })).items;
    expect(all.map((a) => [a.allocId, a.status])).toEqual([
      ['web-0', 'lost'],
      ['web-1', 'pending'],
    ]);
    const lost = (await request(h.client, StreamHistory, { stream: 'node.silent' })).events.at(-1);
    expect(lost).toMatchObject({ type: 'NodeLost', data: { lastSeen: expect.any(String), timeoutMs: 300 } });

    h.startHeartbeat('silent');
    await eventually(async () => (await stateOf('silent')) === 'ready', { timeoutMs: 5_000, description: 'node silent recovered' });
    expect(await types('node.silent')).toEqual(['NodeRegistered', 'NodeLost', 'NodeRecovered']);
    expect(await types('alloc.silent.web-0')).toEqual(['AllocationPlaced', 'AllocationLost']);
  });

  it('drops heartbeats that break their contract or name another node', async () => {
    await request(h.client, RegisterNode, nodeRegistration('forged'));
    h.client.publish(Subjects.heartbeat('forged'), 'not json');
    h.client.publish(Subjects.heartbeat('forged'), JSON.stringify({ nodeId: 'forged' }));
    h.client.publish(Subjects.heartbeat('forged'), JSON.stringify({ nodeId: 'beating', at: new Date().toISOString(), runtimes: [] }));
    await eventually(async () => (await stateOf('forged')) === 'lost', { timeoutMs: 5_000, description: 'node forged lost despite invalid heartbeats' });
  });

  it('gives every node a full timeout of grace after a restart', async () => {
    await request(h.client, RegisterNode, nodeRegistration('restarted'));
    h.startHeartbeat('restarted');
    await eventually(async () => (await stateOf('restarted')) === 'ready');
    h.stopHeartbeat('restarted');
    await h.restart(new StateServerConfig(2_000));
    const restartedAt = Date.now();
    expect(await stateOf('restarted')).toBe('ready');
    await eventually(async () => (await stateOf('restarted')) === 'lost', { timeoutMs: 8_000, description: 'node restarted lost after the grace' });
    expect(Date.now() - restartedAt).toBeGreaterThanOrEqual(1_900);
  });
});
