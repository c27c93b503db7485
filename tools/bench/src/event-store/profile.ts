import { Session } from 'node:inspector/promises';
import { writeFile } from 'node:fs/promises';

/** Where the CPU samples of a profiled phase fell. */
export interface ProfileSummary {
  /** Share of samples by category (idle = the client waited on the server). */
  categories: Record<string, number>;
  /** The functions with the most self time: `name (file:line)` and share of samples. */
  top: { frame: string; pct: number }[];
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

function category(url: string, name: string): string {
  if (name === '(idle)') return 'idle (waiting on the server)';
  if (name === '(garbage collector)') return 'garbage collector';
  if (name === '(program)') return 'V8/native (program)';
  if (url.includes('/zod/')) return 'zod (validation)';
  if (url.includes('/contracts/')) return '@plato/contracts';
  if (url.includes('/event-store/dist/')) return '@plato/event-store adapter';
  if (url.includes('@nats-io')) return '@nats-io clients';
  if (url.includes('/bench/dist/')) return 'bench loop';
  if (url.startsWith('node:') || url === '') return name === 'parse' || name === 'stringify' ? `JSON.${name}` : 'node core / builtins';
  return 'other';
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const parts = url.split('/');
  return parts.slice(-3).join('/');
}

/** Samples the CPU of this process while `work` runs and summarizes where the samples fell. */
export async function profiled<T>(work: () => Promise<T>, savePath?: string): Promise<{ value: T; summary: ProfileSummary }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 500 });
    await session.post('Profiler.start');
    const value = await work();
    const { profile } = await session.post('Profiler.stop');
    if (savePath) await writeFile(savePath, JSON.stringify(profile));
    const nodes = profile.nodes as ProfileNode[];
    const total = nodes.reduce((sum, n) => sum + (n.hitCount ?? 0), 0) || 1;
    const categories: Record<string, number> = {};
    const frames = new Map<string, number>();
    for (const n of nodes) {
      const hits = n.hitCount ?? 0;
      if (!hits) continue;
      const { functionName, url, lineNumber } = n.callFrame;
      const name = functionName || '(anonymous)';
      const cat = category(url, name);
      categories[cat] = (categories[cat] ?? 0) + hits;
      const frame = url ? `${name} (${shortUrl(url)}:${lineNumber + 1})` : name;
      frames.set(frame, (frames.get(frame) ?? 0) + hits);
    }
    const pct = (hits: number) => Math.round((hits / total) * 1000) / 10;
    return {
      value,
      summary: {
        categories: Object.fromEntries(Object.entries(categories).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, pct(v)])),
        top: [...frames.entries()]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 12)
          .map(([frame, hits]) => ({ frame, pct: pct(hits) })),
      },
    };
  } finally {
    await session.post('Profiler.disable').catch(() => undefined);
    session.disconnect();
  }
}
