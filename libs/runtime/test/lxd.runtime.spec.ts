import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { eventually, newRunId } from '@plato/testing';
import { InvalidContainerSpec, LxdApiError, LxdClient, LxdRuntime, RuntimeFailure, RuntimeUnavailable, type ContainerSpec } from '../src/index.js';
import { containerRuntimeContract, runLabel } from './container-runtime.contract.js';

const imagesDir = fileURLToPath(new URL('../../../tools/images/', import.meta.url));
const tarball = `${process.env['PLATO_IMAGE_CACHE'] ?? `${imagesDir}.cache`}/plato-busybox.lxd.tar.gz`;
const image = 'plato/busybox:latest';

/**
 * Builds the tarball (tools/images/build) and imports it under the alias `plato/busybox:latest`.
 * The image stays in LXD afterwards: it is shared by every run and re-imported only when the
 * tarball's fingerprint changes.
 */
async function openLxd(): Promise<LxdRuntime> {
  await promisify(execFile)(`${imagesDir}build`, [], { timeout: 110_000 });
  const runtime = new LxdRuntime({ socketPath: '/var/lib/lxd/unix.socket' });
  await runtime.importImage(tarball, image);
  return runtime;
}

containerRuntimeContract('LXD (real daemon)', async () => {
  const runtime = await openLxd();
  return { runtime, image, runId: newRunId('plato-rt'), dispose: () => runtime.close() };
});

describe('LxdRuntime specifics (real daemon)', () => {
  const runId = newRunId('plato-lxd');
  const made = new Set<string>();
  let runtime: LxdRuntime;

  const spec = (suffix: string, extra: Partial<ContainerSpec> = {}): ContainerSpec => {
    const name = `${runId}-${suffix}`;
    made.add(name);
    return { name, image, command: ['sh', '-c', 'exec sleep 300'], ...extra, labels: { [runLabel]: runId, ...extra.labels } };
  };

  const running = (id: string) =>
    eventually(async () => expect((await runtime.inspect(id))?.state).toBe('running'), { description: `${id} running` });

  const lxdClient = new LxdClient();
  const lxdImage = async (fingerprint: string): Promise<number> =>
    lxdClient.sync('GET', `/1.0/images/${fingerprint}`).then(
      () => 200,
      (error: unknown) => (error instanceof LxdApiError ? error.status : 500),
    );

  beforeAll(async () => {
    runtime = await openLxd();
  }, 120_000);

  afterAll(async () => {
    if (!runtime) return;
    const labelled = await runtime.list({ labels: { [runLabel]: runId } });
    await Promise.all([...new Set([...made, ...labelled.map((c) => c.name)])].map((name) => runtime.remove(name)));
    await runtime.close();
    await lxdClient.close();
  }, 60_000);

  it('imports a tarball once: the same fingerprint again uploads nothing', async () => {
    const again = await runtime.importImage(tarball, image);
    expect(again).toEqual({ ref: image, id: (await runtime.ensureImage(image)).id, imported: false });
  });

  it('deletes the image an alias moved away from when nothing else names it, keeping one that is still named', async () => {
    const dir = await mkdtemp(join(tmpdir(), `${runId}-images-`));
    const variant = async (name: string): Promise<string> => {
      const path = join(dir, `${name}.tar.gz`);
      await writeFile(path, Buffer.concat([await readFile(tarball), gzipSync(Buffer.from(name))]));
      return path;
    };
    const alias = `plato-test/prune:${runId}`;
    const keep = `plato-test/keep:${runId}`;
    try {
      const first = await runtime.importImage(await variant('first'), alias);
      const second = await runtime.importImage(await variant('second'), alias);
      expect(second.id).not.toBe(first.id);
      expect((await runtime.ensureImage(alias)).id).toBe(second.id);
      await expect(lxdImage(first.id)).resolves.toBe(404);
      await runtime.importImage(await variant('second'), keep);
      const third = await runtime.importImage(await variant('third'), alias);
      await expect(lxdImage(second.id)).resolves.toBe(200);
      await expect(lxdImage(third.id)).resolves.toBe(200);
      for (const name of [alias, keep]) await lxdClient.sync('DELETE', `/1.0/images/aliases/${encodeURIComponent(name)}`);
      for (const id of [second.id, third.id]) await lxdClient.operation('DELETE', `/1.0/images/${id}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keeps label keys of any spelling, reversibly', async () => {
    const labels = { 'Team/Name_x': 'a b', 'ünï.côde': 'v' };
    const { id } = await runtime.create(spec('labels', { labels }));
    expect((await runtime.inspect(id))?.labels).toEqual({ ...labels, [runLabel]: runId });
    expect((await runtime.list({ labels: { 'Team/Name_x': 'a b', [runLabel]: runId } })).map((c) => c.id)).toEqual([id]);
  });

  it('forwards stop to the workload as SIGTERM: it exits 143', async () => {
    const { id } = await runtime.create(spec('sigterm'));
    await runtime.start(id);
    await running(id);
    await runtime.stop(id, { timeoutMs: 5_000 });
    expect(await runtime.inspect(id)).toEqual(expect.objectContaining({ state: 'exited', exitCode: 143 }));
  });

  it('stops a workload cleanly even right after its start: the halt signal is trapped by then (143, not 137)', async () => {
    const { id } = await runtime.create(spec('quick-stop'));
    await runtime.start(id);
    await runtime.stop(id, { timeoutMs: 5_000 });
    expect(await runtime.inspect(id)).toEqual(expect.objectContaining({ state: 'exited', exitCode: 143 }));
  });

  it('kills a workload that ignores SIGTERM once the timeout passes: it exits 137', async () => {
    const { id } = await runtime.create(spec('sigkill', { command: ['sh', '-c', 'trap "" TERM; while :; do sleep 1; done'] }));
    await runtime.start(id);
    await running(id);
    await runtime.stop(id, { timeoutMs: 1_000 });
    expect(await runtime.inspect(id)).toEqual(expect.objectContaining({ state: 'exited', exitCode: 137 }));
  });

  it('runs a container again after it exited, with a fresh exit code and logs appended', async () => {
    const { id } = await runtime.create(spec('again', { command: ['sh', '-c', 'echo run; exit 7'] }));
    await runtime.start(id);
    expect(await runtime.waitExit(id)).toBe(7);
    await runtime.start(id);
    await eventually(async () => expect(await runtime.logs(id)).toBe('run\nrun\n'), { description: 'second run logged' });
    expect(await runtime.waitExit(id)).toBe(7);
  });

  it('removes a stopped instance that is being inspected all the while (LXD would hold the DELETE for good)', async () => {
    const { id } = await runtime.create(spec('inspected', { ports: [{ container: 8080, hostIp: '127.0.0.1' }] }));
    await runtime.start(id);
    await running(id);
    await runtime.stop(id, { timeoutMs: 5_000 });
    let removed = false;
    const inspecting = (async () => {
      while (!removed) await runtime.inspect(id);
    })();
    const removal = runtime.remove(id).then(() => 'removed');
    const verdict = await Promise.race([removal, new Promise((resolve) => setTimeout(() => resolve('still deleting after 20 s'), 20_000).unref())]);
    removed = true;
    await inspecting;
    expect(verdict).toBe('removed');
    expect(await runtime.inspect(id)).toBeNull();
  }, 40_000);

  it("fails a start LXD refuses with LXD's own reason", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const host = (taken.address() as { port: number }).port;
      const { id } = await runtime.create(spec('port-taken', { ports: [{ container: 8080, host }] }));
      const started = runtime.start(id);
      await expect(started).rejects.toBeInstanceOf(RuntimeFailure);
      await expect(started).rejects.toThrow(/lxd start .*port-taken failed: Error occurred when starting proxy device/);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('refuses a restart policy, which LXD does not have', async () => {
    const s = spec('restart', { restart: 'always' });
    await expect(runtime.create(s)).rejects.toBeInstanceOf(InvalidContainerSpec);
    expect(await runtime.inspect(s.name)).toBeNull();
  });
});

describe('LxdRuntime without a daemon', () => {
  const runtime = new LxdRuntime({ socketPath: `/tmp/${newRunId('no-lxd')}.sock` });
  afterAll(() => runtime.close());

  it('is not available and fails with RuntimeUnavailable naming the socket', async () => {
    expect(await runtime.available()).toBe(false);
    const health = await runtime.health();
    expect(health.available).toBe(false);
    expect(!health.available && health.reason).toContain('no-lxd');
    const listing = runtime.list({ labels: {} });
    await expect(listing).rejects.toBeInstanceOf(RuntimeUnavailable);
    await expect(listing).rejects.toThrow('no-lxd');
  });
});
