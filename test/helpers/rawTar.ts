// A tar writer with no guards at all, to build the archives an attacker would send: paths with ..,
// absolute paths, links, devices, duplicates. Each entry is a 512-byte ustar header and its data.
import { gzipSync } from 'node:zlib';

export interface RawEntry {
  name: string;
  /** '0' file, '1' hard link, '2' symlink, '3' char device, '5' directory. */
  type?: string;
  data?: string | Buffer;
  linkname?: string;
  /** The size written in the header, when it should lie. */
  size?: number;
}

function header(entry: RawEntry, size: number): Buffer {
  const h = Buffer.alloc(512);
  const put = (value: string, offset: number, length: number) => h.write(value.slice(0, length), offset, 'utf8');
  const octal = (n: number, offset: number, length: number) => put(n.toString(8).padStart(length - 1, '0') + '\0', offset, length);
  put(entry.name, 0, 100);
  octal(0o644, 100, 8);
  octal(0, 108, 8);
  octal(0, 116, 8);
  octal(size, 124, 12);
  octal(1_700_000_000, 136, 12);
  h.fill(' ', 148, 156);
  put(entry.type ?? '0', 156, 1);
  put(entry.linkname ?? '', 157, 100);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  let sum = 0;
  for (const byte of h) sum += byte;
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
  return h;
}

export function rawTarGz(entries: RawEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const data = Buffer.from(entry.data ?? '');
    parts.push(header(entry, entry.size ?? data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(parts));
}
