import { readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/** File types nginx serves precompressed (gzip_static / brotli_static). */
export const COMPRESSIBLE = new Set(['.html', '.css', '.js', '.mjs', '.xml', '.json', '.svg', '.txt', '.webmanifest']);

/** Files smaller than this go out as they are: the compressed copy would save less than a packet. */
export const MIN_BYTES = 256;

export interface PrecompressResult {
  files: number;
  bytes: number;
  gzipBytes: number;
  brotliBytes: number;
}

/** Should `path` (of `size` bytes) get .gz and .br siblings? */
export const shouldPrecompress = (path: string, size: number) =>
  size >= MIN_BYTES && COMPRESSIBLE.has(extname(path).toLowerCase());

/** Writes through a temporary name and a rename, so a reader never sees half a file. */
async function writeAtomically(path: string, data: Uint8Array): Promise<void> {
  const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(temp, data);
  await rename(temp, path);
}

/**
 * Writes `<path>.gz` (gzip level 9) and `<path>.br` (brotli quality 11) beside one file.
 * Returns the sizes, or null when the file is too small or not a compressible type.
 */
export async function precompressFile(path: string): Promise<PrecompressResult | null> {
  const { size } = await stat(path);
  if (!shouldPrecompress(path, size)) return null;
  const data = await readFile(path);
  const [gz, br] = await Promise.all([
    gzipAsync(data, { level: 9 }),
    brotliAsync(data, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    }),
  ]);
  await Promise.all([writeAtomically(`${path}.gz`, gz), writeAtomically(`${path}.br`, br)]);
  return { files: 1, bytes: data.length, gzipBytes: gz.length, brotliBytes: br.length };
}

async function* walk(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}

/** Precompresses every eligible file under `dir`, a few at a time (zlib runs them on its thread pool). */
export async function precompressDirectory(
  dir: string,
  concurrency = availableParallelism() * 2,
): Promise<PrecompressResult> {
  const total: PrecompressResult = { files: 0, bytes: 0, gzipBytes: 0, brotliBytes: 0 };
  const files: string[] = [];
  for await (const path of walk(dir)) if (COMPRESSIBLE.has(extname(path).toLowerCase())) files.push(path);
  let next = 0;
  async function worker() {
    while (next < files.length) {
      const path = files[next++];
      if (path === undefined) break;
      const result = await precompressFile(path);
      if (result) {
        total.files++;
        total.bytes += result.bytes;
        total.gzipBytes += result.gzipBytes;
        total.brotliBytes += result.brotliBytes;
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return total;
}
