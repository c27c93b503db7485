import { ContractViolation } from '@plato/contracts';
import { loadAgentConfig, nodeIdFromHostname } from './agent.config.js';

const host = { hostname: 'Worker_01.example.org', cores: 2, totalMemoryBytes: 4 * 1024 * 1024 * 1024 };

describe('loadAgentConfig', () => {
  it('defaults to the machine: node id from the hostname, cores x 1000, total memory in MiB, 1 s intervals', () => {
    expect(loadAgentConfig({}, host)).toEqual({
      nodeId: 'worker-01-example-org',
      hostname: 'Worker_01.example.org',
      labels: {},
      capacity: { cpu: 2000, memory: 4096 },
      natsServers: ['nats://127.0.0.1:4222'],
      dockerSocket: '/var/run/docker.sock',
      lxdSocket: '/var/lib/lxd/unix.socket',
      imageCache: expect.stringMatching(/\/tools\/images\/\.cache$/),
      heartbeatMs: 1000,
      reconcileMs: 1000,
      concurrency: 32,
    });
  });

  it('reads every variable', () => {
    const config = loadAgentConfig(
      {
        PLATO_NODE_ID: 'n1',
        PLATO_NODE_LABELS: 'rack=a, zone=eu1',
        PLATO_NODE_CPU: '1500',
        PLATO_NODE_MEMORY: '512',
        PLATO_NATS_URL: 'nats://127.0.0.1:4333',
        PLATO_DOCKER_SOCKET: '/tmp/docker.sock',
        PLATO_LXD_SOCKET: '/tmp/lxd.sock',
        PLATO_RUNTIMES: 'LXD, docker,lxd',
        PLATO_IMAGE_CACHE: '/tmp/images',
        PLATO_HEARTBEAT_MS: '200',
        PLATO_RECONCILE_MS: '300',
      },
      host,
    );
    expect(config).toMatchObject({
      nodeId: 'n1',
      labels: { rack: 'a', zone: 'eu1' },
      capacity: { cpu: 1500, memory: 512 },
      natsServers: ['nats://127.0.0.1:4333'],
      dockerSocket: '/tmp/docker.sock',
      lxdSocket: '/tmp/lxd.sock',
      runtimes: ['lxd', 'docker'],
      imageCache: '/tmp/images',
      heartbeatMs: 200,
      reconcileMs: 300,
    });
  });

  it('refuses a runtime allow-list naming an unknown runtime or none', () => {
    expect(() => loadAgentConfig({ PLATO_RUNTIMES: 'docker,podman' }, host)).toThrow(/PLATO_RUNTIMES: 'podman' is not a runtime/);
    expect(() => loadAgentConfig({ PLATO_RUNTIMES: ' , ' }, host)).toThrow(/PLATO_RUNTIMES: names no runtime/);
  });

  it('refuses bad values, naming each variable', () => {
    const attempt = () => loadAgentConfig({ PLATO_NODE_ID: 'Bad_Id', PLATO_NODE_LABELS: 'rack', PLATO_HEARTBEAT_MS: '0', PLATO_NODE_CPU: 'many' }, host);
    expect(attempt).toThrow(ContractViolation);
    expect(attempt).toThrow(/PLATO_NODE_ID.*PLATO_NODE_LABELS: 'rack' is not key=value.*PLATO_NODE_CPU.*PLATO_HEARTBEAT_MS/);
  });
});

describe('nodeIdFromHostname', () => {
  it('makes a valid node id of any hostname', () => {
    expect(nodeIdFromHostname('--My..Host--')).toBe('my-host');
    expect(nodeIdFromHostname('___')).toBe('node');
    expect(nodeIdFromHostname('a'.repeat(70) + '-b')).toBe('a'.repeat(63));
  });
});
