import {
  cpuAllowance,
  cpuMillisFromConfig,
  decodeLabelKey,
  encodeLabelKey,
  labelsFromConfig,
  labelsToConfig,
  memoryLimit,
  memoryMiBFromConfig,
  parseExitCode,
  proxyDevice,
  publishedPortsFromDevices,
  shellQuote,
  tailLines,
  toState,
  workloadScript,
} from './lxd-config.codec.js';

describe('label keys as LXD config keys', () => {
  it.each(['plato.alloc', 'plato.test-run', 'com.example/Team_Name', 'ünïcode key', 'a_5f', '_', ''])('round-trips %p', (key) => {
    const encoded = encodeLabelKey(key);
    expect(encoded).toMatch(/^[a-z0-9._-]*$/);
    expect(decodeLabelKey(encoded)).toBe(key);
  });

  it('keeps lower-case dotted keys readable and escapes the rest', () => {
    expect(encodeLabelKey('plato.test-run')).toBe('plato.test-run');
    expect(encodeLabelKey('A/b_c')).toBe('_41_2fb_5fc');
  });

  it('stores labels under user.plato.label. and reads back only those', () => {
    const config = { ...labelsToConfig({ 'plato.alloc': 'a1', Team: 'x' }), 'user.other': 'y', 'limits.memory': '64MiB' };
    expect(config).toEqual(expect.objectContaining({ 'user.plato.label.plato.alloc': 'a1', 'user.plato.label._54eam': 'x' }));
    expect(labelsFromConfig(config)).toEqual({ 'plato.alloc': 'a1', Team: 'x' });
  });
});

describe('limits', () => {
  it.each([
    [250, '25ms/100ms'],
    [1000, '100ms/100ms'],
    [2500, '250ms/100ms'],
    [1, '1ms/1000ms'],
    [333, '333ms/1000ms'],
  ])('%i millicores is the hard quota %s and reads back', (millis, allowance) => {
    expect(cpuAllowance(millis)).toBe(allowance);
    expect(cpuMillisFromConfig({ 'limits.cpu.allowance': allowance })).toBe(millis);
  });

  it('reads a CPU count as whole cores and a percentage or nothing as unlimited', () => {
    expect(cpuMillisFromConfig({ 'limits.cpu': '2' })).toBe(2000);
    expect(cpuMillisFromConfig({ 'limits.cpu.allowance': '50%' })).toBeNull();
    expect(cpuMillisFromConfig({})).toBeNull();
  });

  it.each([
    ['64MiB', 64],
    ['1GiB', 1024],
    ['1GB', 954],
    ['134217728', 128],
  ])('reads memory %s as %i MiB', (value, mib) => {
    expect(memoryMiBFromConfig({ 'limits.memory': value })).toBe(mib);
  });

  it('writes memory in MiB and reads a percentage or nothing as unlimited', () => {
    expect(memoryLimit(64)).toBe('64MiB');
    expect(memoryMiBFromConfig({ 'limits.memory': '50%' })).toBeNull();
    expect(memoryMiBFromConfig({})).toBeNull();
  });
});

describe('ports as proxy devices', () => {
  it('listens on the host loopback address and connects to the container loopback', () => {
    expect(proxyDevice({ container: 8080, host: 18080, hostIp: '127.0.0.1', protocol: 'tcp' })).toEqual({
      type: 'proxy',
      bind: 'host',
      listen: 'tcp:127.0.0.1:18080',
      connect: 'tcp:127.0.0.1:8080',
    });
    expect(proxyDevice({ container: 53, host: 5353, hostIp: '::1', protocol: 'udp' }).listen).toBe('udp:[::1]:5353');
  });

  it('reads the plato-port devices back in order, ignoring other devices', () => {
    const devices = {
      'plato-port-10': proxyDevice({ container: 9, host: 19, hostIp: '127.0.0.2', protocol: 'udp' }),
      'plato-port-2': proxyDevice({ container: 8, host: 18, hostIp: '::1', protocol: 'tcp' }),
      root: { type: 'disk', path: '/', pool: 'default' },
    };
    expect(publishedPortsFromDevices(devices)).toEqual([
      { container: 8, host: 18, hostIp: '::1', protocol: 'tcp' },
      { container: 9, host: 19, hostIp: '127.0.0.2', protocol: 'udp' },
    ]);
  });
});

describe('the workload script', () => {
  it('quotes every argument for the shell', () => {
    expect(shellQuote(`it's "$HOME"`)).toBe(`'it'\\''s "$HOME"'`);
    expect(workloadScript(['sh', '-c', `echo 'a b' $X`])).toContain(`'sh' '-c' 'echo '\\''a b'\\'' $X' </dev/null >>/.plato/output 2>&1 & child=$!`);
  });

  it('forwards the halt signal, records the exit code and brings loopback up', () => {
    const script = workloadScript(['true']);
    expect(script).toContain(`trap 'kill -TERM $child 2>/dev/null' PWR TERM`);
    expect(script).toContain('ip link set lo up');
    expect(script.indexOf('trap ')).toBe(0);
    expect(script).not.toContain('\n');
    expect(script.indexOf('rm -f /.plato/exit')).toBeLessThan(script.indexOf('mv /.plato/exit.tmp /.plato/exit'));
    expect(parseExitCode('143\n')).toBe(143);
    expect(parseExitCode('')).toBeNull();
  });
});

describe('states', () => {
  it('tells a never-started instance from one that ran and stopped', () => {
    expect(toState('Stopped', '1970-01-01T00:00:00Z')).toBe('created');
    expect(toState('Stopped', '2026-01-02T03:04:05.6Z')).toBe('exited');
    expect(toState('Running', '2026-01-02T03:04:05.6Z')).toBe('running');
    expect(toState('Frozen', '2026-01-02T03:04:05.6Z')).toBe('paused');
    expect(toState('Error', undefined)).toBe('dead');
    expect(toState('Migrating', undefined)).toBe('unknown');
  });
});

describe('tailLines', () => {
  it('keeps the last lines with their newlines', () => {
    expect(tailLines('one\ntwo\nthree\n', 1)).toBe('three\n');
    expect(tailLines('one\ntwo\nthree\n', 2)).toBe('two\nthree\n');
    expect(tailLines('one\ntwo', 1)).toBe('two');
    expect(tailLines('one\n', 5)).toBe('one\n');
    expect(tailLines('', 3)).toBe('');
    expect(tailLines('one\n', 0)).toBe('');
  });
});
