import { ContractViolation } from '../errors.js';
import { parseOrThrow } from '../message.js';
import { DeploymentSpec, isNormalExit, restartPolicyOf } from './deployment-spec.schema.js';

const minimal = { name: 'web', image: 'plato/busybox:latest' };

describe('DeploymentSpec', () => {
  it('fills in the defaults of a minimal spec', () => {
    expect(parseOrThrow(DeploymentSpec, minimal, 'spec')).toEqual({
      name: 'web',
      namespace: 'default',
      image: 'plato/busybox:latest',
      env: {},
      replicas: 1,
      resources: { cpu: 100, memory: 64 },
      ports: [],
      runtime: 'docker',
      constraints: [],
      strategy: 'binpack',
      restart: { policy: 'always', attempts: 0, interval: 1_800_000, delay: 1_000, max_delay: 30_000, mode: 'fail', normal_exit_codes: [] },
      reschedule: { delay: 5_000, max_delay: 300_000, interval: 3_600_000, attempts: 0 },
      migrate: { max_parallel: 1 },
    });
  });

  it('publishes ports on 127.0.0.1 unless told otherwise', () => {
    const spec = parseOrThrow(DeploymentSpec, { ...minimal, ports: [{ container: 80 }] }, 'spec');
    expect(spec.ports).toEqual([{ container: 80, hostIp: '127.0.0.1', protocol: 'tcp' }]);
  });

  it('names every bad field of a spec with ten kinds of mistakes', () => {
    const bad = {
      name: 'Web_App',
      namespace: '',
      image: 'has space',
      env: { '1BAD': 'x' },
      replicas: -1,
      resources: { cpu: 1, memory: 1 },
      ports: [{ container: 70000 }],
      runtime: 'podman',
      constraints: ['rack=='],
      strategy: 'random',
      restart: { policy: 'sometimes' },
      colour: 'blue',
    };
    let error: unknown;
    try {
      parseOrThrow(DeploymentSpec, bad, 'deployment spec');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ContractViolation);
    const paths = (error as ContractViolation).issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'name',
        'namespace',
        'image',
        'env.1BAD',
        'replicas',
        'resources.cpu',
        'resources.memory',
        'ports[0].container',
        'runtime',
        'constraints[0]',
        'strategy',
        'restart.policy',
        '',
      ]),
    );
    expect((error as Error).message).toMatch(/^invalid deployment spec: /);
    expect((error as Error).message).toContain('resources.memory: must be at least 4 MiB');
    expect((error as ContractViolation).issues.find((i) => i.path === '')?.message).toContain('colour');
  });

  it.each(['rack=b', 'rack != a', 'zone in (a, b)', 'zone notin (c)', 'ssd', '!gpu'])('accepts the constraint %s', (expr) => {
    expect(parseOrThrow(DeploymentSpec, { ...minimal, constraints: [expr] }, 'spec').constraints).toEqual([expr.trim()]);
  });
});

describe('DeploymentSpec health', () => {
  const web = { ...minimal, ports: [{ name: 'http', container: 8080 }, { container: 53, protocol: 'udp' }] };

  it('fills in a check\'s defaults and reads friendly durations as milliseconds that parse again', () => {
    const spec = parseOrThrow(DeploymentSpec, { ...web, health: { type: 'http', port: 'http', interval: '1.5s', grace: '500ms' } }, 'spec');
    expect(spec.health).toEqual({ type: 'http', port: 'http', path: '/', interval: 1500, timeout: 2000, failures: 3, grace: 500 });
    expect(parseOrThrow(DeploymentSpec, spec, 'spec')).toEqual(spec);
    expect(parseOrThrow(DeploymentSpec, { ...web, health: { type: 'tcp', port: 8080, timeout: 250 } }, 'spec').health).toEqual({
      type: 'tcp',
      port: 8080,
      interval: 10_000,
      timeout: 250,
      failures: 3,
      grace: 5000,
    });
    expect(parseOrThrow(DeploymentSpec, { ...minimal, health: { type: 'exec', command: ['true'], interval: '1m' } }, 'spec').health).toMatchObject({
      command: ['true'],
      interval: 60_000,
    });
  });

  it.each([
    [{ type: 'http', port: 'admin' }, 'health.port', "no port named 'admin' in ports"],
    [{ type: 'tcp', port: 9090 }, 'health.port', 'no port with container port 9090 in ports'],
    [{ type: 'tcp', port: 53 }, 'health.port', 'port 53 is udp; a tcp check needs a tcp port'],
    [{ type: 'exec', command: [] }, 'health.command', 'must name a command to run in the container'],
    [{ type: 'http', port: 'http', interval: 'soon' }, 'health.interval', "must be a duration: '500ms', '5s', '1m' or whole milliseconds"],
    [{ type: 'http', port: 'http', interval: '10ms' }, 'health.interval', 'must be at least 100ms'],
    [{ type: 'http', port: 'http', timeout: true }, 'health.timeout', "must be a duration: '500ms', '5s', '1m' or whole milliseconds"],
    [{ type: 'http', port: 'http', path: 'health' }, 'health.path', "must be a path starting with '/'"],
    [{ type: 'http', port: 'http', failures: 0 }, 'health.failures', 'must be at least 1'],
    [{ type: 'grpc', port: 'http' }, 'health.type', "must be 'http', 'tcp' or 'exec'"],
  ])('refuses the check %j naming %s', (health, path, message) => {
    expect(issuesOf({ ...web, health })).toEqual([{ path, message }]);
  });

  it('reads a reschedule policy with friendly durations, and a parsed one parses to itself', () => {
    const spec = parseOrThrow(DeploymentSpec, { ...web, reschedule: { delay: '2s', max_delay: '1m', interval: '10m', attempts: 4 } }, 'spec');
    expect(spec.reschedule).toEqual({ delay: 2_000, max_delay: 60_000, interval: 600_000, attempts: 4 });
    expect(parseOrThrow(DeploymentSpec, spec, 'spec')).toEqual(spec);
  });

  it.each([
    [{ delay: '10m', max_delay: '1m' }, 'reschedule.max_delay', 'must be at least delay (600000 ms), got 60000 ms'],
    [{ interval: '10ms' }, 'reschedule.interval', 'must be at least 1s'],
    [{ attempts: -1 }, 'reschedule.attempts', 'Too small: expected number to be >=0'],
    [{ every: '1s' }, 'reschedule', 'Unrecognized key: "every"'],
  ])('refuses the reschedule policy %j naming %s', (reschedule, path, message) => {
    expect(issuesOf({ ...web, reschedule })).toEqual([{ path, message }]);
  });
});

describe('DeploymentSpec restart', () => {
  it('reads a restart policy with friendly durations, and a parsed one parses to itself', () => {
    const spec = parseOrThrow(
      DeploymentSpec,
      { ...minimal, restart: { policy: 'on-failure', attempts: 3, interval: '10m', delay: '500ms', max_delay: '1m', mode: 'delay', normal_exit_codes: [3, 75] } },
      'spec',
    );
    expect(spec.restart).toEqual({ policy: 'on-failure', attempts: 3, interval: 600_000, delay: 500, max_delay: 60_000, mode: 'delay', normal_exit_codes: [3, 75] });
    expect(parseOrThrow(DeploymentSpec, spec, 'spec')).toEqual(spec);
  });

  it('fills in the defaults of a restart block stored with its policy alone', () => {
    expect(parseOrThrow(DeploymentSpec, { ...minimal, restart: { policy: 'never' } }, 'spec').restart).toEqual({
      policy: 'never',
      attempts: 0,
      interval: 1_800_000,
      delay: 1_000,
      max_delay: 30_000,
      mode: 'fail',
      normal_exit_codes: [],
    });
    expect(restartPolicyOf({ restart: { policy: 'on-failure' } })).toMatchObject({ policy: 'on-failure', attempts: 0, delay: 1_000, normal_exit_codes: [] });
    expect(restartPolicyOf({})).toMatchObject({ policy: 'always', mode: 'fail' });
  });

  it('counts 0 and the listed codes as a normal exit', () => {
    const policy = restartPolicyOf({ restart: { normal_exit_codes: [3] } });
    expect([0, 3, 1, 137].map((code) => isNormalExit(policy, code))).toEqual([true, true, false, false]);
  });

  it.each([
    [{ policy: 'sometimes' }, 'restart.policy', 'Invalid option: expected one of "always"|"on-failure"|"never"'],
    [{ attempts: -1 }, 'restart.attempts', 'Too small: expected number to be >=0'],
    [{ attempts: 1.5 }, 'restart.attempts', 'Invalid input: expected int, received number'],
    [{ interval: '10ms' }, 'restart.interval', 'must be at least 1s'],
    [{ interval: 'often' }, 'restart.interval', "must be a duration: '500ms', '5s', '1m' or whole milliseconds"],
    [{ delay: '2h' }, 'restart.delay', 'must be at most 1h'],
    [{ max_delay: -1 }, 'restart.max_delay', 'must be at least 0ms'],
    [{ delay: '10s', max_delay: '5s' }, 'restart.max_delay', 'must be at least delay (10000 ms), got 5000 ms'],
    [{ mode: 'retry' }, 'restart.mode', 'Invalid option: expected one of "fail"|"delay"'],
    [{ normal_exit_codes: [256] }, 'restart.normal_exit_codes[0]', 'must be an exit code, 0 … 255'],
    [{ normal_exit_codes: 3 }, 'restart.normal_exit_codes', 'Invalid input: expected array, received number'],
    [{ max_attempts: 3 }, 'restart', 'Unrecognized key: "max_attempts"'],
  ])('refuses the restart policy %j naming %s', (restart, path, message) => {
    expect(issuesOf({ ...minimal, restart })).toEqual([{ path, message }]);
  });
});

/** The issues a spec is refused with; fails the test when it is accepted or refused otherwise. */
function issuesOf(spec: unknown): ContractViolation['issues'] {
  try {
    parseOrThrow(DeploymentSpec, spec, 'deployment spec');
  } catch (error) {
    expect(error).toBeInstanceOf(ContractViolation);
    return (error as ContractViolation).issues;
  }
  throw new Error('the spec was accepted');
}
