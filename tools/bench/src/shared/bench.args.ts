import { parseDurationMs } from '@plato/contracts';

/** Reads the value of the flag being handled: the `=value` part, else the next argument. */
export type FlagValue = () => string | undefined;

/** Applies one flag to the options being built; throws on a bad value. */
export type FlagHandler<O> = (options: O, value: FlagValue, flag: string) => void;

/** The flags a bench accepts, by name (`--events`); `--help` and `-h` are always accepted. */
export type Flags<O> = Record<string, FlagHandler<O>>;

type KeysOfType<O, V> = { [K in keyof O]-?: O[K] extends V ? K : never }[keyof O];

/** `value` as a positive integer; throws naming `flag` otherwise. */
export function positiveInt(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n <= 0) throw new Error(`${flag} needs a positive integer, got '${value ?? ''}'`);
  return n;
}

/** A flag that sets `key` to a positive integer. */
export function intFlag<O>(key: KeysOfType<O, number>): FlagHandler<O> {
  return (options, value, flag) => {
    (options as Record<typeof key, number>)[key] = positiveInt(flag, value());
  };
}

/**
 * A flag that sets `key` to a duration in milliseconds, written as in a spec (`0s`, `500ms`, `10s`,
 * `1m`) or as whole milliseconds; zero is allowed.
 */
export function durationFlag<O>(key: KeysOfType<O, number>): FlagHandler<O> {
  return (options, value, flag) => {
    const text = value() ?? '';
    const ms = /^\d+$/.test(text) ? Number(text) : parseDurationMs(text);
    if (ms === undefined) throw new Error(`${flag} needs a duration ('0s', '500ms', '10s', '1m'), got '${text}'`);
    (options as Record<typeof key, number>)[key] = ms;
  };
}

/** A flag that sets `key` to a comma-separated list of positive integers (`1,10,50`). */
export function intListFlag<O>(key: KeysOfType<O, number[]>): FlagHandler<O> {
  return (options, value, flag) => {
    (options as Record<typeof key, number[]>)[key] = (value() ?? '').split(',').map((v) => positiveInt(flag, v));
  };
}

/** A flag without a value that sets fields (`--quick`, `--no-profile`). */
export function setFlag<O>(fields: Partial<O>): FlagHandler<O> {
  return (options) => void Object.assign(options as object, structuredClone(fields));
}

/**
 * Parses `argv` (without node and the script) into a copy of `defaults`: `--flag value` and
 * `--flag=value` alike. Returns `'help'` on `--help`/`-h`; throws on an unknown flag (with `usage`)
 * or a bad value.
 */
export function parseFlags<O extends object>(argv: readonly string[], defaults: O, flags: Flags<O>, usage: string): O | 'help' {
  const options = structuredClone(defaults);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const [name, inline] = eq >= 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    if (name === '--help' || name === '-h') return 'help';
    const handler = Object.hasOwn(flags, name) ? flags[name] : undefined;
    if (!handler) throw new Error(`unknown option '${arg}'\n${usage}`);
    handler(options, () => inline ?? argv[++i], name);
  }
  return options;
}
