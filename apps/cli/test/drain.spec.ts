import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AllocationView, NodeView } from '@plato/contracts';
import { newRunId, type ServiceProcess } from '@plato/testing';
import { PlatoCluster, buildPlatoAndImage, httpdSpecLines } from './plato-cluster.harness.js';

interface HistoryEntry {
  position: number;
  type: string;
  created: string;
}

/**
 * Drain on real parts: `plato up` (node X, labelled nothing) and two agents A and B (zone a, b) on
 * the same Docker engine. Four replicas of an http server constrained to the zones bin-pack onto
 * A; `plato drain A --wait` moves them to B two at a time (migrate.max_parallel 2), each batch
 * only once the replacements pass their http check. The log shows that at no point more than two
 * replicas were not serving; A ends drained, and uncordon returns it.
 */
describe('drain: a node is emptied max_parallel replicas at a time, each replacement healthy before the next', () => {
  const run = newRunId('drain');
  const nodeX = `${run}-x`;
  const nodeA = `${run}-a`;
  const nodeB = `${run}-b`;
  let cluster: PlatoCluster;
  const agents: ServiceProcess[] = [];

  const json = <T>(...args: string[]) => cluster.json<T>(...args);
  const allocs = async () => (await json<{ items: AllocationView[] }>('get', 'allocs', 'web', '--all')).items;
  const node = async (nodeId: string) => json<NodeView>('get', 'nodes', nodeId);

  beforeAll(async () => {
    buildPlatoAndImage();
    cluster = await PlatoCluster.create('plato-drain');
    await cluster.start(nodeX);
    for (const [nodeId, zone] of [
      [nodeA, 'a'],
      [nodeB, 'b'],
    ] as const) {
      agents.push(cluster.startAgent(nodeId, { PLATO_NODE_LABELS: `zone=${zone}`, PLATO_NODE_CPU: '1000', PLATO_NODE_MEMORY: '512', PLATO_HEARTBEAT_MS: '1000', PLATO_RECONCILE_MS: '1000' }));
    }
    await cluster.waitFor('nodes A and B ready', async () => {
      expect((await node(nodeA)).state).toBe('ready');
      expect((await node(nodeB)).state).toBe('ready');
    });
  }, 300_000);

  afterAll(async () => {
    for (const agent of agents) await agent.stop();
    await cluster?.dispose([nodeX, nodeA, nodeB]);
  }, 60_000);

  it('moves four replicas from A to B, never more than two of them not serving, and marks A drained', async () => {
    const spec = join(cluster.stateDir, 'web.yaml');
    await writeFile(
      spec,
      httpdSpecLines('web', [
        'replicas: 4',
        'resources: { cpu: 100, memory: 32 }',
        'ports: [{ name: http, container: 8080 }]',
        'constraints: ["zone in (a, b)"]',
        'health: { type: http, port: http, path: /, interval: 500ms, grace: 0s }',
        'migrate: { max_parallel: 2 }',
      ]).join('\n'),
    );
    expect((await cluster.plato('apply', '-f', spec, '--wait', '--timeout', '30')).code).toBe(0);
    const before = await cluster.waitFor('four healthy replicas on A', async () => {
      const items = (await allocs()).filter((a) => a.desired === 'run');
      expect(items.map((a) => [a.nodeId, a.status, a.health?.status])).toEqual(Array.from({ length: 4 }, () => [nodeA, 'running', 'healthy']));
      return items;
    });

    const drained = await cluster.plato('drain', nodeA, '--wait', '--timeout', '60');
    expect(drained.stderr).toBe('');
    expect(drained.code).toBe(0);
    expect(drained.stdout).toMatch(new RegExp(`^node ${nodeA}: NodeCordoned at position \\d+, NodeDrainStarted at position \\d+\\n`));
    expect(drained.stdout).toContain(`node ${nodeA}: drained`);

    expect(await cluster.containersOf(nodeA)).toEqual([]);
    // Drained means nothing is left on A; the last batch's replacements may still be passing their first check.
    const after = await cluster.waitFor('four healthy replicas on B', async () => {
      const items = (await allocs()).filter((a) => a.desired === 'run');
      expect(items.map((a) => [a.nodeId, a.status, a.health?.status, a.index]).sort()).toEqual([0, 1, 2, 3].map((i) => [nodeB, 'running', 'healthy', i]));
      return items;
    });
    expect((await node(nodeA)).drain?.status).toBe('drained');

    // Replay the log: an old replica stops serving at its stop request, a new one serves from its first health pass.
    const changes: { position: number; delta: number }[] = [];
    for (const a of before) {
      const stop = (await json<{ events: HistoryEntry[] }>('history', 'alloc', `${a.nodeId}/${a.allocId}`)).events.find((e) => e.type === 'AllocationStopRequested');
      changes.push({ position: stop!.position, delta: -1 });
    }
    for (const a of after) {
      const healthy = (await json<{ events: HistoryEntry[] }>('history', 'alloc', `${a.nodeId}/${a.allocId}`)).events.find((e) => e.type === 'AllocationHealthy');
      changes.push({ position: healthy!.position, delta: +1 });
    }
    let serving = 4;
    let least = 4;
    for (const change of changes.sort((x, y) => x.position - y.position || x.delta - y.delta)) {
      serving += change.delta;
      least = Math.min(least, serving);
    }
    expect(least).toBe(2);
    expect(serving).toBe(4);

    const uncordoned = await cluster.plato('uncordon', nodeA);
    expect(uncordoned.code).toBe(0);
    await cluster.waitFor('A ready and not draining', async () => {
      const a = await node(nodeA);
      expect(a.cordoned).toBe(false);
      expect(a.drain).toBeUndefined();
    });
    expect((await cluster.plato('delete', 'web', '--wait')).code).toBe(0);
    await cluster.waitFor('no container left', async () => {
      for (const nodeId of [nodeX, nodeA, nodeB]) expect(await cluster.containersOf(nodeId)).toEqual([]);
    });
  }, 120_000);
});
