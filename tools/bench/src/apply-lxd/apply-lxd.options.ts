import { applyFlags, defaultApplyOptions, type ApplyOptions } from '../apply/apply.options.js';
import { parseFlags, setFlag, type FlagHandler, type Flags } from '../shared/bench.args.js';

/** Whether a run's replicas publish their port through an LXD proxy device on 127.0.0.1. */
export type PortMode = 'with-port' | 'no-port';

const portModes: readonly PortMode[] = ['with-port', 'no-port'];

/** Command-line options of the LXD apply benchmark: those of the Docker one, and the port modes. */
export interface LxdApplyOptions extends ApplyOptions {
  /** The port modes measured, each with every size. */
  portModes: PortMode[];
}

/** The sizes of issue 4, with and without a published port. */
export const defaultLxdApplyOptions: LxdApplyOptions = {
  ...defaultApplyOptions,
  sizes: [1, 20],
  portModes: ['with-port', 'no-port'],
  timeoutSeconds: 1500,
};

/** The usage text of `npm run bench:apply-lxd -- --help`. */
export const lxdApplyUsage = `usage: npm run bench:apply-lxd -- [options]
  --sizes A,B        replica counts applied on the one node (default ${defaultLxdApplyOptions.sizes.join(',')})
  --ports M,M        port modes: with-port (one proxy device on 127.0.0.1), no-port (default ${defaultLxdApplyOptions.portModes.join(',')})
  --rounds N         timed rounds per size (default ${defaultLxdApplyOptions.rounds}; size 1 gets --single-rounds)
  --single-rounds N  timed rounds of size 1 (default ${defaultLxdApplyOptions.singleRounds})
  --cpu M            millicores per replica (default ${defaultLxdApplyOptions.cpu})
  --memory MIB       memory limit per replica (default ${defaultLxdApplyOptions.memory})
  --round-timeout S  bound of each wait in a round (default ${defaultLxdApplyOptions.roundTimeoutSeconds})
  --timeout S        abort the whole run after S seconds (default ${defaultLxdApplyOptions.timeoutSeconds})
  --quick            a smoke run: sizes 1,20 with a port, one round each`;

const portModesFlag: FlagHandler<LxdApplyOptions> = (options, value, flag) => {
  const modes = (value() ?? '').split(',');
  const bad = modes.filter((m) => !portModes.includes(m as PortMode));
  if (modes.length === 0 || bad.length > 0) throw new Error(`${flag} takes ${portModes.join(' and/or ')}, got '${bad.join(',')}'`);
  options.portModes = modes as PortMode[];
};

const flags: Flags<LxdApplyOptions> = {
  ...(applyFlags as Flags<LxdApplyOptions>),
  '--ports': portModesFlag,
  '--quick': setFlag<LxdApplyOptions>({ sizes: [1, 20], rounds: 1, singleRounds: 1, portModes: ['with-port'] }),
};

/** Parses `argv` (without node and the script). Throws on an unknown flag or a bad value. */
export function parseLxdApplyOptions(argv: readonly string[]): LxdApplyOptions | 'help' {
  return parseFlags(argv, defaultLxdApplyOptions, flags, lxdApplyUsage);
}
