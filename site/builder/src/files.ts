import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, readlink, rename, rm, rmdir, symlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { precompressFile } from '../../scripts/precompress.js';

const tempName = (path: string) => join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);

/** Writes through a temporary file in the same folder and rename(2), so a reader sees the old file or the new one. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = tempName(path);
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Writes one page of the live site atomically, its old .gz and .br siblings removed first (they
 * would be stale; until `compressPage` writes new ones, the page goes out as it is, or compressed
 * by nginx on the fly). Split from the compression so that a batch of pages goes live as soon as
 * each is rendered and is compressed afterwards, side by side (the sitemap of 12,000 URLs takes
 * longer to brotli than to render).
 */
export async function writePage(path: string, data: string | Uint8Array): Promise<void> {
  await Promise.all([rm(`${path}.gz`, { force: true }), rm(`${path}.br`, { force: true })]);
  await writeFileAtomic(path, data);
}

/** Writes a page's .gz and .br siblings (the site's precompress rules; nothing for small or other files). */
export async function compressPage(path: string): Promise<void> {
  await precompressFile(path);
}

/** Removes a page and its compressed siblings, then its folder when that is left empty. */
export async function removePage(path: string): Promise<boolean> {
  let existed = false;
  for (const file of [path, `${path}.gz`, `${path}.br`]) {
    try {
      await rm(file);
      existed = true;
    } catch {
      // Already gone.
    }
  }
  if (basename(path) === 'index.html') await rmdir(dirname(path)).catch(() => undefined);
  return existed;
}

/** Removes a folder of the live site and everything in it (a deleted post's comment pages). */
export async function removeTree(path: string): Promise<boolean> {
  try {
    await lstat(path);
  } catch {
    return false;
  }
  await rm(path, { recursive: true, force: true });
  return true;
}

/** The files directly in `dir` (none when it does not exist). */
export async function filesIn(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => entry.name);
  } catch {
    return [];
  }
}

/**
 * The file a site path is served from (build.format 'directory'): `/` →
 * index.html, `/posts/x/` → posts/x/index.html, `/rss.xml` → rss.xml.
 * Refuses anything that would leave `root`.
 */
export function fileForPath(root: string, pathname: string): string {
  const decoded = decodeURIComponent(pathname);
  const file = resolve(root, `.${decoded.endsWith('/') ? `${decoded}index.html` : decoded}`);
  if (decoded.includes('\0') || (file !== root && !file.startsWith(root + sep))) {
    throw new Error(`path ${pathname} leaves the site folder`);
  }
  return file;
}

/** Counts the HTML pages under `dir`. */
export async function countPages(dir: string): Promise<number> {
  let count = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.html')) count++;
  }
  return count;
}

// --- Releases ------------------------------------------------------------

/**
 * The live site is a symlink (SITE_DIST) to one folder of `releasesDir`. A
 * full build goes into a fresh release folder; `activate` then replaces the
 * symlink with rename(2) of a new symlink over it, so every reader (nginx,
 * the one-process server) opens files from the old release or the new one,
 * never from a half-built one.
 */
export function createReleases(options: { siteDist: string; releasesDir: string; keep: number }) {
  const { siteDist, releasesDir, keep } = options;
  let counter = 0;

  /** The release folder the symlink points at, or null when there is none yet. */
  async function current(): Promise<string | null> {
    try {
      const stats = await lstat(siteDist);
      if (!stats.isSymbolicLink()) return null;
      return resolve(dirname(siteDist), await readlink(siteDist));
    } catch {
      return null;
    }
  }

  return {
    current,

    /** A new, empty, uniquely named release folder: releases/<timestamp>. */
    async create(): Promise<string> {
      await mkdir(releasesDir, { recursive: true });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const dir = join(releasesDir, `${stamp}-${process.pid}-${(counter++).toString().padStart(4, '0')}`);
      await mkdir(dir);
      return dir;
    },

    /** Points SITE_DIST at `release` atomically; a plain folder found at SITE_DIST is adopted as a release first. */
    async activate(release: string): Promise<void> {
      await mkdir(dirname(siteDist), { recursive: true });
      const existing = await lstat(siteDist).catch(() => null);
      if (existing && !existing.isSymbolicLink()) {
        // A site built before the builder ran (e.g. `npm run build -w @blog/site`): keep it as a release.
        await mkdir(releasesDir, { recursive: true });
        await rename(siteDist, join(releasesDir, `adopted-${Date.now()}`));
      }
      const link = tempName(siteDist);
      await symlink(relative(dirname(siteDist), release), link);
      await rename(link, siteDist);
    },

    /** Removes all but the newest `keep` releases (never the live one nor `protect`). */
    async prune(protect: string[] = []): Promise<string[]> {
      const live = await current();
      const names = (await readdir(releasesDir).catch(() => [] as string[])).filter((name) => !name.startsWith('.'));
      const dirs = names.map((name) => join(releasesDir, name));
      // Release names start with an ISO timestamp (adopted ones with "adopted-"), so name order is age order.
      const ordered = dirs.sort((a, b) =>
        basename(a)
          .replace(/^adopted-/, '')
          .localeCompare(basename(b).replace(/^adopted-/, '')),
      );
      const doomed = ordered
        .slice(0, Math.max(0, ordered.length - keep))
        .filter((dir) => dir !== live && !protect.includes(dir));
      for (const dir of doomed) await rm(dir, { recursive: true, force: true });
      return doomed;
    },

    async discard(release: string): Promise<void> {
      await rm(release, { recursive: true, force: true });
    },
  };
}

export type Releases = ReturnType<typeof createReleases>;
