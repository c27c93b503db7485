import { readFileSync } from 'node:fs';

/** Where a process's CPU samples fell (from a `--cpu-prof` profile). */
export interface CpuProfileSummary {
  /** Sampled seconds while not idle. */
  busySeconds: number;
  /** Share of busy samples by where the code lives (a package, node core, GC). */
  byOrigin: Record<string, number>;
  /** The functions with the most self time, share of busy samples. */
  top: { frame: string; pct: number }[];
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function origin(url: string, name: string): string {
  if (name === '(garbage collector)') return 'garbage collector';
  if (name === '(program)') return 'V8/native (program)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const lib = /\/(libs|apps)\/([^/]+)\//.exec(url);
  if (lib) return `@plato/${lib[2]}`;
  if (url.startsWith('node:') || url === '') return 'node core / builtins';
  return 'other';
}

function shortFrame(url: string, name: string, line: number): string {
  if (!url) return name;
  const nm = url.lastIndexOf('node_modules/');
  const tail = nm >= 0 ? url.slice(nm + 'node_modules/'.length) : url.split('/').slice(-3).join('/');
  return `${name} (${tail}:${line + 1})`;
}

/** Summarizes a `.cpuprofile` written by `node --cpu-prof`: self time by origin and the top frames. */
export function summarizeCpuProfile(file: string, topCount = 12): CpuProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const origins = new Map<string, number>();
  const frames = new Map<string, number>();
  let busy = 0;
  for (const [id, micros] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const name = node.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') continue;
    busy += micros;
    const o = origin(node.callFrame.url, name);
    origins.set(o, (origins.get(o) ?? 0) + micros);
    const f = shortFrame(node.callFrame.url, name, node.callFrame.lineNumber);
    frames.set(f, (frames.get(f) ?? 0) + micros);
  }
  const pct = (m: number) => Math.round((m / (busy || 1)) * 1000) / 10;
  return {
    busySeconds: Math.round(busy / 1e4) / 100,
    byOrigin: Object.fromEntries([...origins.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, pct(v)])),
    top: [...frames.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, topCount)
      .map(([frame, m]) => ({ frame, pct: pct(m) })),
  };
}
