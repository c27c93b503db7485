import { eventually, freePort } from '@plato/testing';
import {
  ContainerNameConflict,
  ContainerNotRunning,
  ImageNotFound,
  InvalidContainerSpec,
  type ContainerRuntime,
  type ContainerSpec,
} from '../src/index.js';

/** The greeting `tools/images/build` puts in the test image's `/www/index.html`. */
export const busyboxGreeting = 'Hello from Plato busybox';

/** The label every container of a test run carries, valued with the run id. */
export const runLabel = 'plato.test-run';

/** A runtime under test and what the suite needs to know about it. */
export interface RuntimeUnderTest {
  runtime: ContainerRuntime;
  /** The busybox test image as this runtime names it (built by `tools/images/build`). */
  image: string;
  /** Unique to this run: the prefix of every container name and the value of {@link runLabel}. */
  runId: string;
  /** Called after the suite removed its containers. */
  dispose?(): Promise<void>;
}

/**
 * The behaviour every ContainerRuntime adapter must have, run against the real engine. Each
 * adapter's spec file calls it with a factory that makes sure the test image exists. Every
 * container is named `<runId>-…`, labelled `plato.test-run=<runId>`, and removed in `afterAll`.
 */
export function containerRuntimeContract(adapter: string, open: () => Promise<RuntimeUnderTest>): void {
  describe(`ContainerRuntime contract: ${adapter}`, () => {
    let sut: RuntimeUnderTest;
    let runtime: ContainerRuntime;
    const made = new Set<string>();

    const spec = (suffix: string, extra: Partial<ContainerSpec> = {}): ContainerSpec => {
      const name = `${sut.runId}-${suffix}`;
      made.add(name);
      return {
        name,
        image: sut.image,
        command: ['sh', '-c', 'exec sleep 300'],
        ...extra,
        labels: { [runLabel]: sut.runId, ...extra.labels },
      };
    };

    const running = (id: string) =>
      eventually(
        async () => {
          const info = await runtime.inspect(id);
          if (info?.state !== 'running') throw new Error(`state is ${info?.state ?? 'missing'}`);
          return info;
        },
        { description: `${id} running` },
      );

    beforeAll(async () => {
      sut = await open();
      runtime = sut.runtime;
    }, 120_000);

    afterAll(async () => {
      if (!runtime) return;
      const labelled = await runtime.list({ labels: { [runLabel]: sut.runId } });
      const names = new Set([...made, ...labelled.map((c) => c.name)]);
      await Promise.all([...names].map((name) => runtime.remove(name)));
      await sut.dispose?.();
    }, 60_000);

    it('answers and finds the test image', async () => {
      expect(await runtime.available()).toBe(true);
      await expect(runtime.ensureImage(sut.image)).resolves.toEqual(expect.objectContaining({ ref: sut.image, id: expect.any(String) }));
    });

    it('creates, starts and inspects a running container with its labels', async () => {
      const labels = { 'plato.alloc': `${sut.runId}-a1`, 'plato.deployment': 'default.web', 'plato.node': 'node-1' };
      const s = spec('run', { labels });
      const created = await runtime.create(s);
      expect(created).toEqual({ id: expect.any(String), name: s.name, created: true });
      expect((await runtime.inspect(created.id))?.state).toBe('created');

      await runtime.start(created.id);
      const info = await running(created.id);
      expect(info).toEqual(
        expect.objectContaining({ id: created.id, name: s.name, image: sut.image, exitCode: null, finishedAt: null }),
      );
      expect(info.labels).toEqual(expect.objectContaining({ ...labels, [runLabel]: sut.runId }));
      expect(info.startedAt).toBeInstanceOf(Date);
      expect(await runtime.inspect(s.name)).toEqual(expect.objectContaining({ id: created.id }));
    });

    it('runs the command with its args and environment', async () => {
      const s = spec('env', {
        command: ['sh', '-c'],
        args: ['echo "greeting=$GREETING"; exec sleep 300'],
        env: { GREETING: 'hello world', PLATO_ALLOC: 'a1' },
      });
      const { id } = await runtime.create(s);
      await runtime.start(id);
      await eventually(async () => expect(await runtime.logs(id)).toContain('greeting=hello world\n'), { description: 'greeting in logs' });
      const env = await runtime.exec(id, ['env']);
      expect(env.exitCode).toBe(0);
      expect(env.stdout.split('\n')).toEqual(expect.arrayContaining(['GREETING=hello world', 'PLATO_ALLOC=a1']));
    });

    it('publishes ports on 127.0.0.1 only, reachable over HTTP while the server runs', async () => {
      const fixed = await freePort();
      const s = spec('http', {
        command: ['httpd', '-f', '-p', '8080', '-h', '/www'],
        ports: [{ container: 8080 }, { container: 8080, host: fixed, hostIp: '127.0.0.1', protocol: 'tcp' }],
      });
      const { id } = await runtime.create(s);
      await runtime.start(id);
      const info = await running(id);
      expect(info.ports).toHaveLength(2);
      for (const port of info.ports) expect(port).toEqual({ container: 8080, protocol: 'tcp', hostIp: '127.0.0.1', host: expect.any(Number) });
      expect(info.ports.map((p) => p.host)).toContain(fixed);

      for (const { host } of info.ports) {
        const body = await eventually(
          async () => {
            const response = await fetch(`http://127.0.0.1:${host}/`, { signal: AbortSignal.timeout(2_000) });
            if (!response.ok) throw new Error(`HTTP ${response.status}`);
            return response.text();
          },
          { description: `GET http://127.0.0.1:${host}/` },
        );
        expect(body).toContain(busyboxGreeting);
      }
    });

    it('enforces the requested limits and reads them back', async () => {
      const s = spec('limits', { resources: { cpuMillis: 250, memoryMiB: 64 } });
      const { id } = await runtime.create(s);
      expect((await runtime.inspect(id))?.limits).toEqual({ cpuMillis: 250, memoryMiB: 64 });
      await runtime.start(id);
      expect((await running(id)).limits).toEqual({ cpuMillis: 250, memoryMiB: 64 });
    });

    it('reports unlimited as null', async () => {
      const { id } = await runtime.create(spec('unlimited'));
      expect((await runtime.inspect(id))?.limits).toEqual({ cpuMillis: null, memoryMiB: null });
    });

    it('waits for the exit code and reports the exited state', async () => {
      const { id } = await runtime.create(spec('exit3', { command: ['sh', '-c', 'exit 3'] }));
      await runtime.start(id);
      expect(await runtime.waitExit(id)).toBe(3);
      const info = await runtime.inspect(id);
      expect(info).toEqual(expect.objectContaining({ state: 'exited', exitCode: 3 }));
      expect(info?.finishedAt).toBeInstanceOf(Date);
      expect(await runtime.waitExit(id)).toBe(3);
    });

    it('returns stdout and stderr from logs, each in order, and the last lines with tail', async () => {
      const { id } = await runtime.create(spec('logs', { command: ['sh', '-c', 'echo one; echo two >&2; echo three; echo four'] }));
      await runtime.start(id);
      expect(await runtime.waitExit(id)).toBe(0);
      const lines = (await runtime.logs(id)).split('\n');
      expect(lines.filter((line) => line !== 'two')).toEqual(['one', 'three', 'four', '']);
      expect(lines).toContain('two');
      expect(await runtime.logs(id, { tail: 1 })).toMatch(/^(four|two)\n$/);
    });

    it('execs a command and returns its exit code, stdout and stderr', async () => {
      const { id } = await runtime.create(spec('exec'));
      await runtime.start(id);
      await running(id);
      expect(await runtime.exec(id, ['sh', '-c', 'echo out; echo err >&2; exit 5'])).toEqual({ exitCode: 5, stdout: 'out\n', stderr: 'err\n' });
      expect((await runtime.exec(id, ['cat', '/www/index.html'])).stdout).toContain(busyboxGreeting);
      expect((await runtime.exec(id, ['sh', '-c', 'echo $X'], { env: { X: 'from-exec' } })).stdout).toBe('from-exec\n');
    });

    it('refuses exec in a container that is not running', async () => {
      const { id } = await runtime.create(spec('exec-stopped'));
      await expect(runtime.exec(id, ['true'])).rejects.toBeInstanceOf(ContainerNotRunning);
    });

    it('stops a running container within its timeout, and stopping again does nothing', async () => {
      const { id } = await runtime.create(spec('stop'));
      await runtime.start(id);
      await running(id);
      await runtime.stop(id, { timeoutMs: 1_000 });
      expect((await runtime.inspect(id))?.state).toBe('exited');
      await runtime.stop(id, { timeoutMs: 1_000 });
    });

    it('stops a CPU-limited container with a published port cleanly even right after its start (143, not killed)', async () => {
      const { id } = await runtime.create(
        spec('quick-stop', { command: ['httpd', '-f', '-p', '8080', '-h', '/www'], resources: { cpuMillis: 20, memoryMiB: 16 }, ports: [{ container: 8080 }] }),
      );
      await runtime.start(id);
      await runtime.stop(id, { timeoutMs: 5_000 });
      expect(await runtime.inspect(id)).toEqual(expect.objectContaining({ state: 'exited', exitCode: 143 }));
    });

    it('creates idempotently by name, starts idempotently, and refuses a different spec under the same name', async () => {
      const s = spec('idem');
      const first = await runtime.create(s);
      const again = await runtime.create(s);
      expect(again).toEqual({ id: first.id, name: s.name, created: false });
      await runtime.start(first.id);
      await runtime.start(first.id);
      await running(first.id);
      await expect(runtime.create({ ...s, labels: { ...s.labels, 'plato.alloc': 'other' } })).rejects.toBeInstanceOf(ContainerNameConflict);

      const racing = await Promise.all([1, 2, 3].map(() => runtime.create(spec('race'))));
      expect(new Set(racing.map((r) => r.id)).size).toBe(1);
      expect(racing.filter((r) => r.created)).toHaveLength(1);
    });

    it('removes idempotently, running or not', async () => {
      const s = spec('rm');
      const { id } = await runtime.create(s);
      await runtime.start(id);
      await runtime.remove(id);
      expect(await runtime.inspect(id)).toBeNull();
      expect(await runtime.inspect(s.name)).toBeNull();
      await runtime.remove(id);
      await runtime.remove(s.name);
    });

    it('lists exactly the containers carrying every label of the selector', async () => {
      const group = { 'plato.test-group': 'listed' };
      const a = await runtime.create(spec('list-a', { labels: group }));
      const b = await runtime.create(spec('list-b', { labels: group }));
      await runtime.create(spec('list-c', { labels: { 'plato.test-group': 'other' } }));
      const listed = await runtime.list({ labels: { [runLabel]: sut.runId, ...group } });
      expect(listed.map((c) => c.id).sort()).toEqual([a.id, b.id].sort());
      expect(listed.map((c) => c.name).sort()).toEqual([`${sut.runId}-list-a`, `${sut.runId}-list-b`]);
      for (const c of listed) expect(c).toEqual(expect.objectContaining({ image: sut.image, state: 'created', labels: expect.objectContaining(group) }));

      const all = await runtime.list({ labels: { [runLabel]: sut.runId } });
      expect(all.every((c) => c.name.startsWith(`${sut.runId}-`))).toBe(true);
      expect(all.map((c) => c.name)).toEqual(expect.arrayContaining([`${sut.runId}-list-a`, `${sut.runId}-list-b`, `${sut.runId}-list-c`]));
    });

    it('reports a missing image as ImageNotFound naming it, without pulling', async () => {
      const image = `plato/absent-${sut.runId}:latest`;
      const missing = runtime.ensureImage(image);
      await expect(missing).rejects.toBeInstanceOf(ImageNotFound);
      await expect(missing).rejects.toThrow(image);
      const s = spec('no-image', { image });
      await expect(runtime.create(s)).rejects.toThrow(new ImageNotFound(image, runtime.name).message);
      expect(await runtime.inspect(s.name)).toBeNull();
    });

    it.each(['0.0.0.0', '10.0.0.1', '172.17.0.1', '::', 'localhost'])('refuses to publish a port on %s', async (hostIp) => {
      const s = spec(`nonloop-${hostIp.replace(/[^a-z0-9]/g, 'x')}`, { ports: [{ container: 8080, hostIp }] });
      const refused = runtime.create(s);
      await expect(refused).rejects.toBeInstanceOf(InvalidContainerSpec);
      await expect(refused).rejects.toThrow(`ports[0].hostIp: ${hostIp} is not a loopback address`);
      expect(await runtime.inspect(s.name)).toBeNull();
    });
  });
}
