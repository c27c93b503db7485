import type { ContainerState, PortProtocol, PublishedPort } from './container-runtime.port.js';
import type { NormalizedPort } from './container-spec.rules.js';

/** Prefix of the config keys that hold a container's labels (`user.plato.label.<encoded key>`). */
export const LabelKeyPrefix = 'user.plato.label.';
/** Config key holding the image ref the spec named (LXD itself keeps only the fingerprint). */
export const ImageRefKey = 'user.plato.image';
/** Config key holding the workload's argv as JSON; absent when the image's own init runs. */
export const CommandKey = 'user.plato.command';
/** Prefix of the proxy devices that publish the spec's ports (`plato-port-<index>`). */
export const PortDevicePrefix = 'plato-port-';

/** Where the workload wrapper, its output and its exit code live inside the container. */
export const WorkloadPaths = {
  dir: '/.plato',
  output: '/.plato/output',
  exit: '/.plato/exit',
} as const;

/** The `environment.*` variable that carries the workload script to PID 1. */
export const WorkloadVariable = 'PLATO_WORKLOAD';

/**
 * The `raw.lxc` line that makes PID 1 a shell evaluating {@link WorkloadVariable}. LXC splits
 * `lxc.init.cmd` on blanks and knows no quoting, so the command holds no blank: `${IFS}` splits
 * it inside the shell instead.
 */
export const WorkloadInitCommand = `lxc.init.cmd = /bin/sh -c eval\${IFS}"$${WorkloadVariable}"`;

const cpuPeriodMs = 100;
const bytesPerUnit: Record<string, number> = {
  B: 1,
  kB: 1e3,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KiB: 2 ** 10,
  MiB: 2 ** 20,
  GiB: 2 ** 30,
  TiB: 2 ** 40,
};

/**
 * A label key as a config-key-safe name: `a-z`, `0-9`, `.` and `-` stay, every other byte of its
 * UTF-8 form becomes `_xx` (lower-case hex; `_` itself is `_5f`). Reversed by {@link decodeLabelKey}.
 */
export function encodeLabelKey(key: string): string {
  let out = '';
  for (const byte of Buffer.from(key, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /[a-z0-9.-]/.test(char) ? char : `_${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** The label key {@link encodeLabelKey} encoded. */
export function decodeLabelKey(encoded: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length; i += 1) {
    if (encoded[i] === '_' && /^[0-9a-f]{2}$/.test(encoded.slice(i + 1, i + 3))) {
      bytes.push(parseInt(encoded.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(encoded.charCodeAt(i));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The config entries holding `labels`. */
export function labelsToConfig(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).map(([key, value]) => [LabelKeyPrefix + encodeLabelKey(key), value]));
}

/** The labels held in an instance's config. */
export function labelsFromConfig(config: Record<string, string>): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key.startsWith(LabelKeyPrefix)) labels[decodeLabelKey(key.slice(LabelKeyPrefix.length))] = value;
  }
  return labels;
}

/**
 * Millicores as `limits.cpu.allowance` in its time form, a hard CFS quota: `<quota>ms/100ms`, or
 * `<millis>ms/1000ms` when the millicores are not a multiple of 10 (LXD takes whole milliseconds).
 */
export function cpuAllowance(millis: number): string {
  return millis % 10 === 0 ? `${millis / 10}ms/${cpuPeriodMs}ms` : `${millis}ms/1000ms`;
}

/**
 * The CPU limit of an instance's config in millicores: its `limits.cpu.allowance` time form, else
 * a `limits.cpu` count of CPUs (×1000); `null` when neither limits it (a percentage allowance is a
 * share under contention, not a limit).
 */
export function cpuMillisFromConfig(config: Record<string, string>): number | null {
  const allowance = /^(\d+)ms\/(\d+)ms$/.exec(config['limits.cpu.allowance'] ?? '');
  if (allowance) return Math.round((Number(allowance[1]) / Number(allowance[2])) * 1000);
  const count = config['limits.cpu'] ?? '';
  if (/^\d+$/.test(count)) return Number(count) * 1000;
  return null;
}

/** MiB as `limits.memory`. */
export function memoryLimit(mib: number): string {
  return `${mib}MiB`;
}

/** The memory limit of an instance's config in MiB; `null` when unset or a percentage. */
export function memoryMiBFromConfig(config: Record<string, string>): number | null {
  const match = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec((config['limits.memory'] ?? '').trim());
  if (!match) return null;
  const factor = bytesPerUnit[match[2] || 'B'];
  if (factor === undefined) return null;
  return Math.round((Number(match[1]) * factor) / 2 ** 20);
}

/**
 * The proxy device publishing one port: LXD listens on the host's loopback address and connects
 * to the same port number's protocol on the container's own 127.0.0.1. `port.host` must be chosen.
 */
export function proxyDevice(port: NormalizedPort): Record<string, string> {
  const address = port.hostIp.includes(':') ? `[${port.hostIp}]` : port.hostIp;
  return {
    type: 'proxy',
    bind: 'host',
    listen: `${port.protocol}:${address}:${port.host}`,
    connect: `${port.protocol}:127.0.0.1:${port.container}`,
  };
}

/** The ports an instance's `plato-port-*` proxy devices publish, in device order. */
export function publishedPortsFromDevices(devices: Record<string, Record<string, string>>): PublishedPort[] {
  return Object.entries(devices)
    .filter(([name, device]) => name.startsWith(PortDevicePrefix) && device.type === 'proxy')
    .sort(([a], [b]) => Number(a.slice(PortDevicePrefix.length)) - Number(b.slice(PortDevicePrefix.length)))
    .flatMap(([, device]) => {
      const listen = /^(tcp|udp):\[?([^\]]+?)\]?:(\d+)$/.exec(device.listen ?? '');
      const connect = /:(\d+)$/.exec(device.connect ?? '');
      if (!listen || !connect) return [];
      return [{ container: Number(connect[1]), protocol: listen[1] as PortProtocol, hostIp: listen[2]!, host: Number(listen[3]) }];
    });
}

/** `value` quoted for a POSIX shell. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The script PID 1 evaluates (see {@link WorkloadInitCommand}), on one line because LXC's
 * environment lines cannot hold a newline: it first traps LXD's halt signal (SIGPWR) and SIGTERM,
 * brings loopback up (a container without a NIC boots with `lo` down), runs `argv` as its child
 * with stdout and stderr appended to `/.plato/output`, forwards a trapped signal to it as SIGTERM,
 * and writes the child's exit status to `/.plato/exit` before exiting — which stops the container.
 * It lives in the instance's config, so a start needs no file written into the container first.
 */
export function workloadScript(argv: readonly string[]): string {
  return [
    `trap 'kill -TERM $child 2>/dev/null' PWR TERM INT HUP`,
    `unset ${WorkloadVariable}`,
    `mkdir -p ${WorkloadPaths.dir}`,
    `rm -f ${WorkloadPaths.exit}`,
    'export PATH="${PATH:-/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin}" HOME="${HOME:-/root}"',
    '{ ip link set lo up 2>/dev/null || ifconfig lo up 2>/dev/null; }',
    `${argv.map(shellQuote).join(' ')} </dev/null >>${WorkloadPaths.output} 2>&1 & child=$!`,
    'while :; do wait $child; code=$?; kill -0 $child 2>/dev/null || break; done',
    `echo $code >${WorkloadPaths.exit}.tmp && mv ${WorkloadPaths.exit}.tmp ${WorkloadPaths.exit}`,
  ].join('; ');
}

/** The exit code in `/.plato/exit`'s text, or `null` when it holds none. */
export function parseExitCode(text: string): number | null {
  const match = /^\s*(\d+)/.exec(text);
  return match ? Number(match[1]) : null;
}

const neverUsed = '1970-01-01T00:00:00Z';

/**
 * An LXD status as a {@link ContainerState}. A stopped instance that never ran (`last_used_at` is
 * LXD's zero time) is `created`; one that ran is `exited`.
 */
export function toState(status: string, lastUsedAt: string | undefined): ContainerState {
  switch (status) {
    case 'Running':
    case 'Stopping':
      return 'running';
    case 'Frozen':
    case 'Freezing':
      return 'paused';
    case 'Stopped':
      return hasRun(lastUsedAt) ? 'exited' : 'created';
    case 'Error':
      return 'dead';
    default:
      return 'unknown';
  }
}

/** True when `last_used_at` says the instance was started at least once. */
export function hasRun(lastUsedAt: string | undefined): boolean {
  return !!lastUsedAt && !lastUsedAt.startsWith('0001-01-01') && lastUsedAt !== neverUsed && !lastUsedAt.startsWith('1970-01-01T00:00:00');
}

/** The last `count` lines of `text` (each keeping its newline). */
export function tailLines(text: string, count: number): string {
  if (count <= 0) return '';
  const lines = text.split('\n');
  const trailing = lines[lines.length - 1] === '';
  if (trailing) lines.pop();
  const kept = lines.slice(-count).join('\n');
  return trailing && kept !== '' ? `${kept}\n` : kept;
}
