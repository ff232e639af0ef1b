import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ImportFormat, ImportReport, MarkdownExport, SiteArchive } from '@blog/contract';
import type { User } from '../../db/models/index.js';
import { ApiError } from '../../lib/errors.js';
import { createExporter } from './exporter.js';
import { createImporter, type ImporterDeps } from './importer.js';
import { readArchive } from './readers/archive.js';
import { readGhost } from './readers/ghost.js';
import { readMarkdownFolder } from './readers/markdown.js';
import { readWxr } from './readers/wxr.js';
import { IMAGE_FILE, type ImportedSite, ImportFileError } from './shape.js';

export type TransferService = ReturnType<typeof createTransferService>;

/** The file(s) of an import, as the route or the command line has them. */
export interface ImportSource {
  format: ImportFormat;
  content?: string | undefined;
  files?: { path: string; content: string }[] | undefined;
  /** Where a WXR's attachments are on this machine (the command line's --uploads); none over HTTP. */
  attachmentsDir?: string | undefined;
}

/** The format of a file by its name and first characters (when the caller does not say). */
export function sniffFormat(name: string, head: string, files = 1): ImportFormat {
  if (files > 1 || /\.(md|markdown|mdx)$/i.test(name)) return 'markdown';
  if (/^\s*</.test(head)) return 'wxr';
  if (/"format"\s*:\s*"blog-archive"/.test(head)) return 'archive';
  return 'ghost';
}

/**
 * Where an uploaded attachment goes in the staging folder: its path under `uploads/` (a
 * `wp-content/uploads` folder picked whole), else its path without the picked folder's own name;
 * null for anything but an image or a path that tries to leave the folder.
 */
export function stagedPathOf(name: string): string | null {
  if (!IMAGE_FILE.test(name) || name.includes('\0') || name.includes('\\')) return null;
  const parts = name.split('/');
  if (parts.some((part) => part === '..' || part === '.')) return null;
  const kept = parts.filter(Boolean);
  const uploads = kept.lastIndexOf('uploads');
  const relative = uploads >= 0 ? kept.slice(uploads + 1) : kept.length > 1 ? kept.slice(1) : kept;
  return relative.length > 0 ? relative.join('/') : null;
}

/**
 * A WXR's attachments sent with it (the admin's folder picker): written to a temporary folder the
 * reader looks in, removed by `cleanup` once the import is done.
 */
export async function stageAttachments(
  files: { name: string; bytes: () => Promise<ArrayBuffer> }[],
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'blog-import-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    for (const file of files) {
      const relative = stagedPathOf(file.name);
      if (!relative) continue;
      const target = join(dir, relative);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, Buffer.from(await file.bytes()));
    }
  } catch (error) {
    await cleanup();
    throw error;
  }
  return { dir, cleanup };
}

/** Reads a source with its format's reader; a file that cannot be read at all is refused whole. */
export function readImportSource(source: ImportSource): ImportedSite {
  const content = () => {
    if (source.content === undefined) {
      throw new ImportFileError('missing_content', `A ${source.format} import takes the file as \`content\`.`);
    }
    return source.content;
  };
  switch (source.format) {
    case 'archive':
      return readArchive(content());
    case 'wxr':
      return readWxr(content(), source.attachmentsDir ? { attachmentsDir: source.attachmentsDir } : {});
    case 'ghost':
      return readGhost(content());
    case 'markdown':
      if (!source.files) throw new ImportFileError('missing_files', 'A markdown import takes the folder as `files`.');
      return readMarkdownFolder(source.files);
  }
}

/** Import and export of the whole site (admins; the command line acts as an admin too). */
export function createTransferService(deps: ImporterDeps) {
  const importer = createImporter(deps);
  const exporter = createExporter(deps.db);
  return {
    /** Reads the request's file(s): 422 import_unreadable when the file cannot be read at all. */
    read(request: ImportSource): ImportedSite {
      try {
        return readImportSource(request);
      } catch (error) {
        if (error instanceof ImportFileError) {
          throw new ApiError(422, 'import_unreadable', error.message, [
            { path: 'content', code: error.reason, message: error.message },
          ]);
        }
        // Anything else a reader meets is still the file's doing (a shape no export has): a clear
        // refusal, never a 500 for a file.
        throw new ApiError(422, 'import_unreadable', 'The file could not be read as an export of this format.', [
          { path: 'content', code: 'unreadable', message: error instanceof Error ? error.name : 'Error' },
        ]);
      }
    },

    import(
      actor: User,
      site: ImportedSite,
      format: ImportFormat,
      onProgress?: (done: number, total: number) => void,
    ): Promise<ImportReport> {
      return importer.run(actor, site, onProgress ? { format, onProgress } : { format });
    },

    async exportArchive(actor: User): Promise<SiteArchive> {
      const archive = await exporter.archive(deps.clock());
      await auditExport(actor, 'json', archive.posts.length);
      return archive;
    },

    async exportMarkdown(actor: User): Promise<MarkdownExport> {
      const out = await exporter.markdown(deps.clock());
      await auditExport(actor, 'markdown', out.files.length);
      return out;
    },
  };

  /** An export hands out every reader's email address: who took one is on record. */
  function auditExport(actor: User, format: string, posts: number) {
    return deps.db.transaction((transaction) =>
      deps.audit.write(
        actor,
        { action: 'export', targetType: 'site', targetId: null, details: { format, posts } },
        transaction,
      ),
    );
  }
}
