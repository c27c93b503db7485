import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AllocationView, NodeView } from '@plato/contracts';
import { newRunId, type ServiceProcess } from '@plato/testing';
import { PlatoCluster, buildPlatoAndImage, httpdSpecLines, servingOverTime } from './plato-cluster.harness.js';

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
    await cluster.waitFor('four healthy replicas on A', async () => {
      const items = (await allocs()).filter((a) => a.desired === 'run');
      expect(items.map((a) => [a.nodeId, a.status, a.health?.status])).toEqual(Array.from({ length: 4 }, () => [nodeA, 'running', 'healthy']));
    });

    const drained = await cluster.plato('drain', nodeA, '--wait', '--timeout', '60');
    expect(drained.stderr).toBe('');
    expect(drained.code).toBe(0);
    expect(drained.stdout).toMatch(new RegExp(`^node ${nodeA}: NodeCordoned at position \\d+, NodeDrainStarted at position \\d+\\n`));
    expect(drained.stdout).toContain(`node ${nodeA}: drained`);

    expect(await cluster.containersOf(nodeA)).toEqual([]);
    // Drained means nothing is left on A; the last batch's replacements may still be passing their first check.
    await cluster.waitFor('four healthy replicas on B', async () => {
      const items = (await allocs()).filter((a) => a.desired === 'run');
      expect(items.map((a) => [a.nodeId, a.status, a.health?.status, a.index]).sort()).toEqual([0, 1, 2, 3].map((i) => [nodeB, 'running', 'healthy', i]));
    });
    expect((await node(nodeA)).drain?.status).toBe('drained');

    const drainStarted = Number(/NodeDrainStarted at position (\d+)/.exec(drained.stdout)![1]);
    expect(await servingOverTime(cluster, 'web', drainStarted)).toEqual({ atStart: 4, least: 2, atEnd: 4 });

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
