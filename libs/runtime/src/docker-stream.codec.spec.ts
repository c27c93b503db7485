import { demuxDockerStream, framesText } from './docker-stream.codec.js';

const frame = (type: number, text: string) => {
  const data = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(data.length, 4);
  return Buffer.concat([header, data]);
};

describe('demuxDockerStream', () => {
  it('splits frames by stream, keeping their order', () => {
    const frames = demuxDockerStream(Buffer.concat([frame(1, 'one\n'), frame(2, 'two\n'), frame(1, 'three\n')]));
    expect(frames.map((f) => f.stream)).toEqual(['stdout', 'stderr', 'stdout']);
    expect(framesText(frames)).toBe('one\ntwo\nthree\n');
    expect(framesText(frames, 'stdout')).toBe('one\nthree\n');
    expect(framesText(frames, 'stderr')).toBe('two\n');
  });

  it('keeps what arrived of a truncated last frame', () => {
    expect(framesText(demuxDockerStream(Buffer.concat([frame(1, 'whole\n'), frame(2, 'partial\n').subarray(0, 12)])))).toBe('whole\npart');
  });

  it('reads raw output without headers (a TTY container) as stdout', () => {
    expect(demuxDockerStream(Buffer.from('plain text\n'))).toEqual([{ stream: 'stdout', data: Buffer.from('plain text\n') }]);
  });

  it('reads an empty buffer as no frames', () => {
    expect(demuxDockerStream(Buffer.alloc(0))).toEqual([]);
  });
});
