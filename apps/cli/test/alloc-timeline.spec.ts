import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { AllocationDescription, AllocationView } from '@plato/contracts';
import { newRunId } from '@plato/testing';
import { PlatoCluster, buildPlatoAndImage, httpdSpecLines } from './plato-cluster.harness.js';

/**
 * An allocation's timeline on real parts: `plato up` runs one busybox httpd replica; its container
 * is killed with `docker kill` (the agent restarts it by the default policy `always`), then the
 * deployment is deleted. `plato describe alloc` shows every state it went through, in order, with
 * its reason: placed, starting, running, exited(137), starting, running, stopping, stopped.
 */
describe('plato describe alloc: the timeline of an allocation that was killed, restarted and deleted', () => {
  const run = newRunId('timeline');
  const nodeId = `${run}-x`;
  let cluster: PlatoCluster;

  const describeAlloc = (id: string) => cluster.json<AllocationDescription>('describe', 'alloc', id);
  const phases = (d: AllocationDescription) => d.timeline.map((t) => (t.exitCode !== undefined ? `${t.phase}(${t.exitCode})` : t.phase));

  beforeAll(async () => {
    buildPlatoAndImage();
    cluster = await PlatoCluster.create('plato-timeline');
    await cluster.start(nodeId);
  }, 300_000);

  afterAll(async () => {
    await cluster?.dispose([nodeId]);
  }, 60_000);

  it('shows placed → starting → running → exited(137) → starting → running → stopping → stopped, with reasons, by id and by NODE/ALLOC', async () => {
    const spec = join(cluster.stateDir, 'tl.yaml');
    await writeFile(spec, httpdSpecLines('tl', ['resources: { cpu: 100, memory: 32 }', 'ports: [{ container: 8080 }]']).join('\n'));
    const applied = await cluster.plato('apply', '-f', spec, '--wait', '--timeout', '30');
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    const [alloc] = (await cluster.json<{ items: AllocationView[] }>('get', 'allocs', 'tl')).items;
    expect(alloc).toMatchObject({ nodeId, status: 'running', state: { phase: 'running' } });
    const first = alloc!.containerId!;

    await promisify(execFile)('docker', ['kill', first]);
    await cluster.waitFor('the killed container exited and runs again', async () => {
      expect(phases(await describeAlloc(alloc!.allocId))).toEqual(['placed', 'starting', 'running', 'exited(137)', 'starting', 'running']);
    });

    const deleted = await cluster.plato('delete', 'tl', '--wait', '--timeout', '30');
    expect(deleted.code).toBe(0);
    const described = await cluster.waitFor('the allocation stopped', async () => {
      const d = await describeAlloc(`${nodeId}/${alloc!.allocId}`);
      expect(d.allocation.state.phase).toBe('stopped');
      return d;
    });
    expect(described.allocation).toMatchObject({ allocId: alloc!.allocId, nodeId, deployment: 'tl', version: 1, index: 0, status: 'complete', desired: 'stop', stopReason: 'deleted' });
    expect(phases(described)).toEqual(['placed', 'starting', 'running', 'exited(137)', 'starting', 'running', 'stopping', 'stopped']);
    expect(described.timeline.map((t) => t.reason)).toEqual([
      `version 1, slot 0, on node ${nodeId}`,
      `container ${first.slice(0, 12)}`,
      `container ${first.slice(0, 12)}`,
      'exit code 137, restarting after 1s (attempt 1)',
      `container ${first.slice(0, 12)}`,
      `container ${first.slice(0, 12)}`,
      'stop requested: deleted',
      'stopped on request: deleted',
    ]);
    const positions = described.timeline.map((t) => t.position);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);

    const text = await cluster.plato('describe', 'alloc', alloc!.allocId);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Deployment:  default/tl version 1, slot 0\n`);
    expect(text.stdout).toContain('Desired:     stop (deleted)\n');
    expect(text.stdout).toMatch(/\n\S+ +placed +\S+ +\d+ +version 1.*\n\S+ +starting .*\n\S+ +running .*\n\S+ +exited\(137\) +\S+ +\d+ +exit code 137, restarting after 1s \(attempt 1\)\n\S+ +starting .*\n\S+ +running .*\n\S+ +stopping .*stop requested: deleted\n\S+ +stopped +- +\d+ +stopped on request: deleted\n$/);
    expect((await cluster.plato('get', 'allocs', 'tl', '--all')).stdout).toMatch(/stop \(deleted\) +complete +stopped /);
    const missing = await cluster.plato('describe', 'alloc', `other-node/${alloc!.allocId}`);
    expect(missing.code).toBe(3);
  }, 90_000);
});
