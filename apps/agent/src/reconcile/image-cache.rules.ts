import { join } from 'node:path';

/**
 * The file name of an image ref's LXD tarball in the image cache, as `tools/images/build` names
 * it: the ref's name with every `/` made `-`, then `-<tag>` unless the tag is `latest` or absent,
 * then `.lxd.tar.gz` — `plato/busybox:latest` → `plato-busybox.lxd.tar.gz`,
 * `team/web:1.2` → `team-web-1.2.lxd.tar.gz`. A digest (`@sha256:…`) is dropped from the name.
 */
export function lxdTarballName(ref: string): string {
  const withoutDigest = ref.split('@')[0]!;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  const name = colon === -1 ? withoutDigest : withoutDigest.slice(0, colon);
  const tag = colon === -1 ? 'latest' : withoutDigest.slice(colon + 1);
  const base = name.replace(/\//g, '-').replace(/[^A-Za-z0-9._-]/g, '_');
  return `${base}${tag === 'latest' || tag === '' ? '' : `-${tag.replace(/[^A-Za-z0-9._-]/g, '_')}`}.lxd.tar.gz`;
}

/** The path of an image ref's LXD tarball in `cacheDir` (see {@link lxdTarballName}). */
export function lxdTarballPath(cacheDir: string, ref: string): string {
  return join(cacheDir, lxdTarballName(ref));
}
