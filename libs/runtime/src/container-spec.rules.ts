import { isIP } from 'node:net';
import type { ContractIssue } from '@plato/contracts';
import type { ContainerInfo, ContainerSpec, CreatedContainer, PortProtocol, RestartPolicy } from './container-runtime.port.js';
import { ContainerNameConflict, InvalidContainerSpec } from './runtime.errors.js';

/** A {@link PortSpec} with its defaults filled in. */
export interface NormalizedPort {
  container: number;
  /** 0: the runtime picks. */
  host: number;
  hostIp: string;
  protocol: PortProtocol;
}

/** A {@link ContainerSpec} that passed {@link normalizeSpec}, with every default filled in. */
export interface NormalizedSpec {
  name: string;
  image: string;
  command: string[] | undefined;
  args: string[] | undefined;
  env: Record<string, string>;
  labels: Record<string, string>;
  cpuMillis: number | undefined;
  memoryMiB: number | undefined;
  ports: NormalizedPort[];
  restart: RestartPolicy;
  restartMaxRetries: number;
}

/** The address ports are published on when a spec names none. */
export const DefaultHostIp = '127.0.0.1';

const restartPolicies: readonly RestartPolicy[] = ['no', 'on-failure', 'always', 'unless-stopped'];

/**
 * True for 127.0.0.0/8 and ::1 (in any IPv6 spelling, and as `::ffff:127.x.y.z`). Host names,
 * `localhost` included, are not addresses and are false.
 */
export function isLoopbackAddress(address: string): boolean {
  const version = isIP(address);
  if (version === 4) return address.split('.')[0] === '127';
  if (version !== 6) return false;
  const lower = address.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped) return isLoopbackAddress(mapped[1]!);
  return expandIpv6(lower) === '0000:0000:0000:0000:0000:0000:0000:0001';
}

function expandIpv6(address: string): string {
  const [head = '', tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((group) => group.padStart(4, '0')).join(':');
}

/**
 * Checks a spec the same way for every adapter and fills in its defaults. Throws
 * {@link InvalidContainerSpec} listing every issue (a port published on anything but loopback is
 * one) before any engine is asked.
 */
export function normalizeSpec(spec: ContainerSpec): NormalizedSpec {
  const issues: ContractIssue[] = [];
  const name = spec.name ?? '';
  if (!/^[a-zA-Z][a-zA-Z0-9-]{0,62}$/.test(name) || name.endsWith('-')) {
    issues.push({ path: 'name', message: `${JSON.stringify(name)} must be letters, digits and -, start with a letter, at most 63 characters` });
  }
  if (!spec.image) issues.push({ path: 'image', message: 'is required' });

  const ports: NormalizedPort[] = (spec.ports ?? []).map((port, i) => {
    const hostIp = port.hostIp ?? DefaultHostIp;
    const protocol = port.protocol ?? 'tcp';
    const host = port.host ?? 0;
    if (!isLoopbackAddress(hostIp)) {
      issues.push({
        path: `ports[${i}].hostIp`,
        message: `${hostIp} is not a loopback address: Plato publishes ports only on 127.0.0.0/8 or ::1`,
      });
    }
    if (!isPort(port.container)) issues.push({ path: `ports[${i}].container`, message: `${port.container} is not a port (1-65535)` });
    if (host !== 0 && !isPort(host)) issues.push({ path: `ports[${i}].host`, message: `${host} is not a port (1-65535, or 0 to pick one)` });
    if (protocol !== 'tcp' && protocol !== 'udp') issues.push({ path: `ports[${i}].protocol`, message: `${String(protocol)} is not tcp or udp` });
    return { container: port.container, host, hostIp, protocol };
  });

  const { cpuMillis, memoryMiB } = spec.resources ?? {};
  if (cpuMillis !== undefined && !(Number.isInteger(cpuMillis) && cpuMillis > 0)) {
    issues.push({ path: 'resources.cpuMillis', message: `${cpuMillis} is not a positive whole number of millicores` });
  }
  if (memoryMiB !== undefined && !(Number.isInteger(memoryMiB) && memoryMiB >= 6)) {
    issues.push({ path: 'resources.memoryMiB', message: `${memoryMiB} is not a whole number of MiB of at least 6` });
  }
  const restart = spec.restart ?? 'no';
  if (!restartPolicies.includes(restart)) issues.push({ path: 'restart', message: `${String(restart)} is not one of ${restartPolicies.join(', ')}` });
  const restartMaxRetries = spec.restartMaxRetries ?? 0;
  if (!(Number.isInteger(restartMaxRetries) && restartMaxRetries >= 0)) {
    issues.push({ path: 'restartMaxRetries', message: `${restartMaxRetries} is not a whole number >= 0` });
  }

  if (issues.length > 0) throw new InvalidContainerSpec(name || '(unnamed)', issues);
  return {
    name,
    image: spec.image,
    command: spec.command,
    args: spec.args,
    env: { ...spec.env },
    labels: { ...spec.labels },
    cpuMillis,
    memoryMiB,
    ports,
    restart,
    restartMaxRetries,
  };
}

function isPort(value: unknown): boolean {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535;
}

/**
 * What `create` returns when a container of the spec's name already exists: that container, if it
 * runs the spec's image with the spec's labels; otherwise a {@link ContainerNameConflict} saying
 * what differs. The one rule of idempotent create, shared by every adapter.
 */
export function existingOrConflict(s: NormalizedSpec, found: ContainerInfo): CreatedContainer {
  if (found.image !== s.image) throw new ContainerNameConflict(s.name, `it runs ${found.image}, the spec asks for ${s.image}`);
  const differing = Object.entries(s.labels).filter(([key, value]) => found.labels[key] !== value);
  if (differing.length > 0) {
    throw new ContainerNameConflict(
      s.name,
      `labels ${differing.map(([k, v]) => `${k}=${v}`).join(', ')} differ (${differing.map(([k]) => `${k}=${found.labels[k] ?? '<none>'}`).join(', ')})`,
    );
  }
  return { id: found.id, name: found.name, created: false };
}
