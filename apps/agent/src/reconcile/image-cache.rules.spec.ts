import { lxdTarballName, lxdTarballPath } from './image-cache.rules.js';

describe('lxdTarballName', () => {
  it('names a ref as tools/images/build names its tarball', () => {
    expect(lxdTarballName('plato/busybox:latest')).toBe('plato-busybox.lxd.tar.gz');
    expect(lxdTarballName('plato/busybox')).toBe('plato-busybox.lxd.tar.gz');
  });

  it('keeps a tag other than latest and flattens registries and paths', () => {
    expect(lxdTarballName('team/web:1.2')).toBe('team-web-1.2.lxd.tar.gz');
    expect(lxdTarballName('localhost:5000/a/b:v1@sha256:abc')).toBe('localhost_5000-a-b-v1.lxd.tar.gz');
  });

  it('joins the cache directory', () => {
    expect(lxdTarballPath('/cache', 'plato/busybox:latest')).toBe('/cache/plato-busybox.lxd.tar.gz');
  });
});
