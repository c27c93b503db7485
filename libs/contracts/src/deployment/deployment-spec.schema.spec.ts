import { ContractViolation } from '../errors.js';
import { parseOrThrow } from '../message.js';
import { DeploymentSpec } from './deployment-spec.schema.js';

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
      restart: { policy: 'always' },
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
