import { DeploymentSpec } from '@plato/contracts';
import type { AllocationPlacement } from '@plato/domain';
import { containerNameOf, containerSpecOf, matchesAllocation } from './allocation-container.rules.js';

const placement = (spec: Partial<DeploymentSpec> = {}): AllocationPlacement => ({
  allocId: 'a1',
  nodeId: 'n1',
  namespace: 'default',
  deployment: 'web',
  version: 3,
  index: 0,
  basedOn: 0,
  spec: DeploymentSpec.parse({ name: 'web', image: 'plato/busybox:latest', ...spec }),
});

describe('allocation containers', () => {
  it('names containers after the allocation, within 63 characters and deterministically', () => {
    expect(containerNameOf('a1')).toBe('plato-a1');
    const long = 'x'.repeat(63);
    expect(containerNameOf(long)).toHaveLength(63);
    expect(containerNameOf(long)).toBe(containerNameOf(long));
    expect(containerNameOf(long)).not.toBe(containerNameOf('x'.repeat(62) + 'y'));
  });

  it('makes the spec from the allocation: limits, loopback ports, labels, no engine restarts', () => {
    const spec = containerSpecOf(
      'n1',
      'a1',
      placement({ command: ['httpd'], args: ['-f'], env: { A: '1' }, resources: { cpu: 250, memory: 32 }, ports: [{ container: 8080, hostIp: '127.0.0.1', protocol: 'tcp' }] }),
    );
    expect(spec).toEqual({
      name: 'plato-a1',
      image: 'plato/busybox:latest',
      command: ['httpd'],
      args: ['-f'],
      env: { A: '1' },
      labels: { 'plato.alloc': 'a1', 'plato.deployment': 'default/web', 'plato.node': 'n1', 'plato.version': '3' },
      resources: { cpuMillis: 250, memoryMiB: 32 },
      ports: [{ container: 8080, hostIp: '127.0.0.1', protocol: 'tcp' }],
      restart: 'no',
    });
  });

  it('adopts only a container of the same allocation, node, version and image', () => {
    const spec = containerSpecOf('n1', 'a1', placement());
    const labels = { ...spec.labels };
    expect(matchesAllocation({ image: spec.image, labels }, spec)).toBe(true);
    expect(matchesAllocation({ image: 'other:1', labels }, spec)).toBe(false);
    expect(matchesAllocation({ image: spec.image, labels: { ...labels, 'plato.version': '2' } }, spec)).toBe(false);
    expect(matchesAllocation({ image: spec.image, labels: { ...labels, 'plato.node': 'n2' } }, spec)).toBe(false);
  });
});
