/*
 * A POSIX tar (pax) archive of text files, in memory: the Markdown export as one download that
 * every system opens (tar, 7-Zip, macOS's Archive Utility, Windows' tar). Each file's path goes in
 * a pax `path` record, so long and non-ASCII names (a Korean slug) survive; no dependency.
 */

const BLOCK = 512;

function header(name: string, size: number, type: '0' | 'x', mtime: number): Buffer {
  const block = Buffer.alloc(BLOCK);
  const field = (offset: number, length: number, value: string) => block.write(value, offset, length, 'utf8');
  const octal = (offset: number, length: number, value: number) =>
    field(offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
  field(0, 100, name);
  octal(100, 8, 0o644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, size);
  octal(136, 12, mtime);
  block.fill(' ', 148, 156);
  field(156, 1, type);
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  let sum = 0;
  for (const byte of block) sum += byte;
  field(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return block;
}

const padding = (size: number) => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);

/** A pax record: "<length> <key>=<value>\n", its length (in bytes) counting its own digits. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bytes = Buffer.byteLength(body);
  let length = bytes + 1;
  while (String(length).length + bytes !== length) length = String(length).length + bytes;
  return `${length}${body}`;
}

export function tarOf(files: { path: string; content: string }[], mtime = new Date()): Buffer {
  const seconds = Math.floor(mtime.getTime() / 1000);
  const parts: Buffer[] = [];
  for (const file of files) {
    const content = Buffer.from(file.content, 'utf8');
    const pax = Buffer.from(paxRecord('path', file.path), 'utf8');
    parts.push(header('PaxHeader', pax.length, 'x', seconds), pax, padding(pax.length));
    // The ustar name too, for readers without pax (cut to 100 bytes of ASCII).
    const plain = file.path.replace(/[^\x20-\x7e]/g, '_').slice(-100);
    parts.push(header(plain, content.length, '0', seconds), content, padding(content.length));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}
