import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { DeploymentSpec, type HealthCheckSpec } from '@plato/contracts';
import { RuntimeUnavailable, type ContainerRuntime } from '@plato/runtime';
import { probe, probeAddressOf, type ProbeTarget } from './health.probe.js';

const listen = async <S extends Server | HttpServer>(server: S): Promise<S> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
};
const portOf = (server: Server | HttpServer) => (server.address() as AddressInfo).port;
const close = (server: Server | HttpServer) => new Promise((resolve) => server.close(resolve));
const noRuntime = {} as ContainerRuntime;
const target = (port: number): ProbeTarget => ({ containerId: 'c1', runtime: noRuntime, address: { host: '127.0.0.1', port } });
const check = (health: object): HealthCheckSpec =>
  DeploymentSpec.parse({ name: 'web', image: 'x', ports: [{ name: 'http', container: 80 }], health: { port: 'http', grace: 0, ...health } }).health!;

/** The probes against servers on this machine's loopback, standing in for published container ports. */
describe('health probes', () => {
  let http: HttpServer;
  let acceptAndClose: Server;
  let listener: Server;
  let free: number;
  const sockets = new Set<Socket>();
  const track = (socket: Socket): Socket => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    return socket;
  };

  beforeAll(async () => {
    http = await listen(
      createHttpServer((request, response) => {
        if (request.url === '/slow') return void setTimeout(() => response.end('late'), 1_000);
        response.statusCode = request.url === '/ok' ? 200 : request.url === '/moved' ? 302 : 503;
        response.end();
      }),
    );
    acceptAndClose = await listen(createServer((socket) => track(socket).end()));
    listener = await listen(createServer((socket) => void track(socket)));
    const spare = await listen(createServer());
    free = portOf(spare);
    await close(spare);
  });
  afterAll(async () => {
    http.closeAllConnections();
    for (const socket of sockets) socket.destroy();
    await Promise.all([close(http), close(acceptAndClose), close(listener)]);
  });

  it('http: passes on 2xx and 3xx or the status asked for, fails naming the status, the refusal or the timeout', async () => {
    const port = portOf(http);
    expect(await probe(check({ type: 'http', path: '/ok' }), target(port))).toEqual({ ok: true });
    expect(await probe(check({ type: 'http', path: '/moved' }), target(port))).toEqual({ ok: true });
    expect(await probe(check({ type: 'http', path: '/down', status: 503 }), target(port))).toEqual({ ok: true });
    expect(await probe(check({ type: 'http', path: '/down' }), target(port))).toEqual({
      ok: false,
      reason: `GET /down on 127.0.0.1:${port} answered 503, wanted 2xx or 3xx`,
    });
    expect(await probe(check({ type: 'http', path: '/slow', timeout: 100 }), target(port))).toEqual({
      ok: false,
      reason: `GET /slow on 127.0.0.1:${port} did not answer within 100 ms`,
    });
    expect(await probe(check({ type: 'http' }), target(free))).toEqual({ ok: false, reason: expect.stringContaining('ECONNREFUSED') });
    expect(await probe(check({ type: 'http' }), target(portOf(acceptAndClose)))).toMatchObject({ ok: false });
  });

  it('tcp: passes when the connection stays open, fails when it is refused or closed at once (a proxy with nothing behind it)', async () => {
    expect(await probe(check({ type: 'tcp' }), target(portOf(listener)), { settleMs: 50 })).toEqual({ ok: true });
    expect(await probe(check({ type: 'tcp' }), target(free))).toEqual({ ok: false, reason: expect.stringContaining('ECONNREFUSED') });
    expect(await probe(check({ type: 'tcp' }), target(portOf(acceptAndClose)), { settleMs: 500 })).toEqual({
      ok: false,
      reason: `tcp 127.0.0.1:${portOf(acceptAndClose)}: the connection was closed at once (nothing listens on that port in the container)`,
    });
  });

  it('exec: passes on exit 0, fails with the code and the last line of output, gives no verdict when the runtime does not answer', async () => {
    const results = [
      { exitCode: 0, stdout: '', stderr: '' },
      { exitCode: 2, stdout: '', stderr: 'first\nnot ready\n' },
    ];
    const runtime = { exec: async () => results.shift() ?? Promise.reject(new RuntimeUnavailable('docker', '/var/run/docker.sock', new Error('socket closed'))) } as unknown as ContainerRuntime;
    const exec = DeploymentSpec.parse({ name: 'web', image: 'x', health: { type: 'exec', command: ['cat', '/ready'] } }).health!;
    const on = { containerId: 'c1', runtime, address: 'the check has no port' };
    expect(await probe(exec, on)).toEqual({ ok: true });
    expect(await probe(exec, on)).toEqual({ ok: false, reason: 'exec cat /ready exited 2: not ready' });
    expect(await probe(exec, on)).toBeUndefined();
  });

  it('finds the published loopback port of the port the check names, or says why not', () => {
    const spec = DeploymentSpec.parse({ name: 'web', image: 'x', ports: [{ name: 'http', container: 80 }], health: { type: 'tcp', port: 80 } });
    expect(probeAddressOf(spec, [{ container: 80, host: 32000, hostIp: '127.0.0.1', protocol: 'tcp' }])).toEqual({ host: '127.0.0.1', port: 32000 });
    expect(probeAddressOf(spec, [{ container: 80, host: 32000, hostIp: '0.0.0.0', protocol: 'tcp' }])).toEqual({ host: '127.0.0.1', port: 32000 });
    expect(probeAddressOf(spec, [])).toBe('container port 80 is not published on the node');
  });
});
