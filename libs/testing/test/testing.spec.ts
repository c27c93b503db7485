import { connect } from '@nats-io/transport-node';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NatsServerProcess, ServiceProcess, appMain, eventually, freePort, newRunId } from '../src/index.js';
import { existsSync } from 'node:fs';

describe('NatsServerProcess', () => {
  it('starts a real nats-server on a free port, restarts it on the same port, and stops it, removing its store', async () => {
    const server = await NatsServerProcess.start();
    const pid = server.pid;
    expect(pid).toBeGreaterThan(0);
    const nc = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 50 });
    await server.restart();
    expect(server.pid).not.toBe(pid);
    await eventually(async () => {
      await nc.flush();
      return true;
    });
    await nc.close();
    await server.stop();
    expect(server.pid).toBeUndefined();
    expect(existsSync(server.storeDir)).toBe(false);
    expect(() => process.kill(pid!, 0)).toThrow();
  });

  it('says why when the binary cannot start', async () => {
    await expect(NatsServerProcess.start({ binary: '/nonexistent/nats-server' })).rejects.toThrow('cannot start /nonexistent/nats-server');
  });
});

describe('eventually', () => {
  it('returns the value once the probe holds', async () => {
    let calls = 0;
    await expect(eventually(() => ++calls >= 3 && calls, { intervalMs: 1 })).resolves.toBe(3);
  });

  it('names what it waited for and the last failure when time runs out', async () => {
    await expect(
      eventually(
        () => {
          throw new Error('still 2 of 3');
        },
        { timeoutMs: 50, intervalMs: 5, description: 'three replicas' },
      ),
    ).rejects.toThrow('eventually: three replicas did not hold within 50 ms: still 2 of 3');
  });
});

describe('run ids and ports', () => {
  it('gives distinct run ids and usable ports', async () => {
    expect(newRunId('x')).toMatch(/^x-[0-9a-f]{8}$/);
    expect(newRunId()).not.toBe(newRunId());
    expect(await freePort()).toBeGreaterThan(1024);
  });
});

describe('ServiceProcess', () => {
  it('runs a program, keeps its pino lines, and stops exactly it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plato-service-'));
    const script = join(dir, 'service.mjs');
    await writeFile(
      script,
      "process.stderr.write(JSON.stringify({ time: Date.now(), msg: 'ready', level: 30 }) + '\\n');\n" +
        "process.on('SIGTERM', () => { process.stderr.write(JSON.stringify({ time: Date.now(), msg: 'bye' }) + '\\n'); process.exit(0); });\n" +
        'setInterval(() => undefined, 1000);\n',
    );
    const service = ServiceProcess.start('demo', script);
    await eventually(() => service.lines.some((line) => line.msg === 'ready'));
    expect(service.running).toBe(true);
    expect(await service.stop()).toEqual({ code: 0, signal: null });
    expect(service.lines.map((line) => line.msg)).toEqual(['ready', 'bye']);
    expect(() => process.kill(service.pid, 0)).toThrow();
    await rm(dir, { recursive: true, force: true });
  });

  it('names the build to run when the program is missing', () => {
    expect(() => ServiceProcess.start('ghost', appMain('ghost'))).toThrow(/apps\/ghost\/dist\/main\.js is missing: build it first/);
  });
});
