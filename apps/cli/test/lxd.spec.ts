import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LxdRuntime } from '@plato/runtime';
import { eventually, newRunId } from '@plato/testing';
import { PlatoCluster, buildPlatoAndImage, httpdSpecLines, servingOverTime } from './plato-cluster.harness.js';

/**
 * `runtime: lxd` end to end: `plato up`'s agent finds Docker and LXD, and a deployment asking for
 * LXD runs as LXD instances (the agent imports `plato/busybox:latest` from tools/images/.cache when
 * LXD lacks it), scales and is deleted with --wait, read back from LXD itself. The harness removes
 * the node's Docker containers; this spec removes its LXD instances.
 */
describe('plato up: runtime: lxd deployments', () => {
  const nodeId = newRunId('e2e-lxd');
  const lxd = new LxdRuntime();
  let cluster: PlatoCluster;
  const plato = (...args: string[]) => cluster.plato(...args);
  const instances = () => lxd.list({ labels: { 'plato.node': nodeId } });

  beforeAll(async () => {
    buildPlatoAndImage();
    cluster = await PlatoCluster.create('plato-lxd');
  }, 300_000);

  afterAll(async () => {
    await cluster?.dispose([nodeId]);
    for (const instance of await instances()) await lxd.remove(instance.id);
    await lxd.close();
  }, 90_000);

  it('registers both runtimes, applies 2 LXD replicas, scales to 1 and deletes to none', async () => {
    await cluster.start(nodeId);
    const nodes = await cluster.waitFor('the node offering docker and lxd', async () => {
      const listed = await cluster.json<{ items: { nodeId: string; runtimes: string[] }[] }>('get', 'nodes');
      if (!listed.items[0]?.runtimes.includes('lxd')) throw new Error(JSON.stringify(listed.items));
      return listed.items;
    });
    expect(nodes).toEqual([expect.objectContaining({ nodeId, runtimes: ['docker', 'lxd'] })]);

    const spec = join(cluster.stateDir, 'web-lxd.yaml');
    await writeFile(
      spec,
      [
        'name: web-lxd',
        'image: plato/busybox:latest',
        'runtime: lxd',
        'command: ["busybox", "httpd"]',
        'args: ["-f", "-p", "8080", "-h", "/www"]',
        'replicas: 2',
        'resources: { cpu: 100, memory: 48 }',
        'ports: [{ container: 8080 }]',
        '',
      ].join('\n'),
    );

    const appliedAt = Date.now();
    const applied = await plato('apply', '-f', spec, '--wait', '--timeout', '90');
    const applyMs = Date.now() - appliedAt;
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('default/web-lxd: 2/2 running\n');

    const running = await instances();
    expect(running).toHaveLength(2);
    expect(await cluster.containersOf(nodeId)).toEqual([]);
    for (const summary of running) {
      const instance = (await lxd.inspect(summary.id))!;
      expect(instance.state).toBe('running');
      expect(instance.limits).toEqual({ cpuMillis: 100, memoryMiB: 48 });
      const published = instance.ports.find((p) => p.container === 8080)!;
      expect(published.hostIp).toBe('127.0.0.1');
      const page = await eventually(async () => (await fetch(`http://127.0.0.1:${published.host}/`)).text());
      expect(page).toContain('Hello from Plato');
    }

    const scaled = await plato('scale', 'web-lxd', '1', '--wait');
    expect(scaled.code).toBe(0);
    expect(scaled.stdout).toContain('default/web-lxd: 1/1 running\n');
    const left = await instances();
    expect(left).toHaveLength(1);
    expect(running.map((i) => i.id)).toContain(left[0]!.id);

    const deleted = await plato('delete', 'web-lxd', '--wait');
    expect(deleted.code).toBe(0);
    expect(await instances()).toEqual([]);
    process.stderr.write(`lxd e2e: apply --wait of 2 LXD replicas took ${applyMs} ms\n`);
  }, 240_000);

  it('rolls a new version out on LXD one replica at a time, each once its predecessor served, and completes', async () => {
    const spec = join(cluster.stateDir, 'roll-lxd.yaml');
    const write = (greeting: string) =>
      writeFile(
        spec,
        [
          ...httpdSpecLines('roll-lxd', [
            'runtime: lxd',
            `env: { GREETING: ${greeting} }`,
            'replicas: 2',
            'resources: { cpu: 100, memory: 48 }',
            'ports: [{ name: http, container: 8080 }]',
            'health: { type: http, port: http, interval: 500ms, grace: 0s }',
            'update: { max_parallel: 1, min_healthy_time: 1s, healthy_deadline: 60s, progress_deadline: 2m }',
          ]),
        ].join('\n'),
      );
    await write('one');
    expect((await plato('apply', '-f', spec, '--wait', '--timeout', '90')).code).toBe(0);
    expect((await plato('rollout', 'status', 'roll-lxd', '--wait', '--timeout', '90')).code).toBe(0);
    const v1 = (await instances()).map((i) => i.id).sort();
    expect(v1).toHaveLength(2);

    await write('two');
    expect((await plato('apply', '-f', spec)).code).toBe(0);
    const status = await plato('rollout', 'status', 'roll-lxd', '--wait', '--timeout', '120');
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    const items = (await cluster.json<{ items: { version: number; desired: string; runtime: string; health?: { status: string } }[] }>('get', 'allocs', 'roll-lxd')).items;
    expect(items.filter((a) => a.desired === 'run').map((a) => [a.version, a.runtime, a.health?.status])).toEqual([
      [2, 'lxd', 'healthy'],
      [2, 'lxd', 'healthy'],
    ]);
    await cluster.waitFor('the two v1 instances removed', async () => {
      const now = (await instances()).map((i) => i.id);
      expect(now).toHaveLength(2);
      for (const id of v1) expect(now).not.toContain(id);
    }, 30_000);
    const since = (await cluster.json<{ events: { position: number; type: string; data: { version?: number } }[] }>('history', 'deployment', 'roll-lxd')).events.find(
      (e) => e.type === 'DeploymentSpecApplied' && e.data.version === 2,
    )!.position;
    expect(await servingOverTime(cluster, 'roll-lxd', since)).toEqual({ atStart: 2, least: 1, atEnd: 2 });
    expect((await plato('delete', 'roll-lxd', '--wait', '--timeout', '60')).code).toBe(0);
  }, 300_000);
});
