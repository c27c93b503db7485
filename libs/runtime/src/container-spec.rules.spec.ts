import { InvalidContainerSpec } from './runtime.errors.js';
import { isLoopbackAddress, normalizeSpec } from './container-spec.rules.js';

describe('isLoopbackAddress', () => {
  it.each(['127.0.0.1', '127.1.2.3', '127.255.255.255', '::1', '0:0:0:0:0:0:0:1', '0000::0001', '::ffff:127.0.0.1'])('accepts %s', (address) => {
    expect(isLoopbackAddress(address)).toBe(true);
  });

  it.each(['0.0.0.0', '10.0.0.1', '172.17.0.2', '128.0.0.1', '::', '::2', 'fe80::1', '::ffff:10.0.0.1', 'localhost', '', '127.0.0.1:80'])(
    'refuses %s',
    (address) => {
      expect(isLoopbackAddress(address)).toBe(false);
    },
  );
});

describe('normalizeSpec', () => {
  it('fills in the defaults', () => {
    expect(normalizeSpec({ name: 'web-1', image: 'img', ports: [{ container: 80 }] })).toEqual({
      name: 'web-1',
      image: 'img',
      command: undefined,
      args: undefined,
      env: {},
      labels: {},
      cpuMillis: undefined,
      memoryMiB: undefined,
      ports: [{ container: 80, host: 0, hostIp: '127.0.0.1', protocol: 'tcp' }],
      restart: 'no',
      restartMaxRetries: 0,
    });
  });

  it('lists every issue, naming the container and the field', () => {
    const check = () =>
      normalizeSpec({
        name: 'web-1',
        image: 'img',
        ports: [{ container: 80, hostIp: '0.0.0.0' }, { container: 70000, host: -1 }],
        resources: { cpuMillis: 0.5, memoryMiB: 1 },
      });
    expect(check).toThrow(InvalidContainerSpec);
    expect(check).toThrow(
      'invalid container spec web-1: ports[0].hostIp: 0.0.0.0 is not a loopback address: Plato publishes ports only on 127.0.0.0/8 or ::1; ' +
        'ports[1].container: 70000 is not a port (1-65535); ports[1].host: -1 is not a port (1-65535, or 0 to pick one); ' +
        'resources.cpuMillis: 0.5 is not a positive whole number of millicores; resources.memoryMiB: 1 is not a whole number of MiB of at least 6',
    );
  });

  it.each(['', '1abc', 'a_b', 'web-', 'x'.repeat(64)])('refuses the name %j', (name) => {
    expect(() => normalizeSpec({ name, image: 'img' })).toThrow(/name: .* must be letters, digits and -/);
  });
});
