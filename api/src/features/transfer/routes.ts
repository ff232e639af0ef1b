import {
  ExportQuerySchema,
  type ImportEvent,
  ImportEventSchema,
  ImportFormatSchema,
  MAX_IMPORT_FILES,
  SiteArchiveSchema,
} from '@blog/contract';
import { createRoute, z } from '@hono/zod-openapi';
import { stream } from 'hono/streaming';
import { requireRole } from '../../auth/guards.js';
import { ApiError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { createRouter, errorResponses } from '../../lib/openapi.js';
import { sniffFormat, stageAttachments, type TransferService } from './service.js';
import type { ImportedSite } from './shape.js';
import { tarOf } from './tar.js';

const tags = ['Import and export'];

/** Takes a multipart body with a limit of its own (IMPORT_MAX_BYTES), like the image upload. */
export const IMPORT_PATH = '/api/admin/import';

// Documents the form; the handler reads it after the caller's role is checked.
const ImportFormSchema = z.object({
  format: ImportFormatSchema.optional().openapi({
    description: 'archive, wxr, ghost or markdown; guessed from the file when omitted',
  }),
  file: z.any().optional().openapi({
    type: 'string',
    format: 'binary',
    description:
      'Required: the export file; for a Markdown folder one `file` per Markdown file, named by its path in the folder',
  }),
});

const importSite = createRoute({
  method: 'post',
  path: '/admin/import',
  tags,
  summary: 'Import a WordPress WXR, a Ghost JSON export, a Markdown folder or this site’s archive (admins)',
  description:
    'Answers a stream of JSON lines: `progress` after every post, then the `report` (what was imported, ' +
    'what was skipped and why). Each post with its comments is written in a transaction of its own. ' +
    'A file that cannot be read at all is refused before anything is written (422 import_unreadable).',
  request: { body: { content: { 'multipart/form-data': { schema: ImportFormSchema } }, required: true } },
  responses: {
    200: {
      description: 'Progress lines, then the report',
      content: { 'application/x-ndjson': { schema: ImportEventSchema } },
    },
    ...errorResponses(400, 401, 403, 413, 415, 422),
  },
});

const exportSite = createRoute({
  method: 'get',
  path: '/admin/export',
  tags,
  summary: 'The whole site as a JSON archive, or its posts as Markdown files with front matter (admins)',
  request: { query: ExportQuerySchema },
  responses: {
    200: {
      description: 'The archive (json), or a tar of Markdown files with front matter (markdown), as a download',
      content: {
        'application/json': { schema: SiteArchiveSchema },
        'application/x-tar': { schema: z.string().openapi({ type: 'string', format: 'binary' }) },
      },
    },
    ...errorResponses(400, 401, 403),
  },
});

/** Import and export routes, mounted at /api. */
export function transferRoutes(service: TransferService, logger: Logger) {
  return createRouter()
    .openapi(importSite, async (c) => {
      const admin = requireRole(c, 'admin');
      let body: Record<string, string | File | (string | File)[]>;
      try {
        body = await c.req.parseBody({ all: true });
      } catch {
        throw new ApiError(400, 'invalid_request', 'Send the export as multipart/form-data, in a field named "file".');
      }
      const files = [body.file].flat().filter((file): file is File => file instanceof File);
      if (files.length === 0 || files.length > MAX_IMPORT_FILES) {
        throw new ApiError(422, 'validation_failed', 'Send the export in a field named "file".', [
          { path: 'file', message: files.length ? `at most ${MAX_IMPORT_FILES} files` : 'is required' },
        ]);
      }
      const named = ImportFormatSchema.safeParse(typeof body.format === 'string' ? body.format : undefined);
      if (body.format !== undefined && !named.success) {
        throw new ApiError(422, 'validation_failed', 'Unknown import format.', [
          { path: 'format', message: 'one of archive, wxr, ghost, markdown' },
        ]);
      }
      const first = files[0] as File;
      // The export itself is a file picked on its own (no folder in its name); a folder's files are
      // Markdown or a WXR's uploads (a Hugo folder's sitemap.xml is no export).
      const xml = files.find((file) => /\.xml$/i.test(file.name) && !file.name.includes('/'));
      const format = named.success
        ? named.data
        : xml
          ? 'wxr'
          : sniffFormat(first.name, await first.slice(0, 2000).text(), files.length);
      // A WXR may come with its attachments (its uploads folder): staged for the reader, removed after.
      const main = format === 'wxr' ? (xml ?? first) : first;
      const staged =
        format === 'wxr' && files.length > 1
          ? await stageAttachments(
              files
                .filter((file) => file !== main)
                .map((file) => ({ name: file.name, bytes: () => file.arrayBuffer() })),
            )
          : null;
      let site: ImportedSite;
      try {
        // Read (and refused) before the answer starts, so a bad file gets a plain error answer.
        site =
          format === 'markdown'
            ? service.read({
                format,
                files: await Promise.all(
                  files
                    .filter((file) => /\.(md|markdown|mdx)$/i.test(file.name) || files.length === 1)
                    .map(async (file) => ({ path: file.name, content: await file.text() })),
                ),
              })
            : service.read({ format, content: await main.text(), attachmentsDir: staged?.dir });
      } catch (error) {
        await staged?.cleanup();
        throw error;
      }
      c.header('Content-Type', 'application/x-ndjson; charset=utf-8');
      c.header('X-Accel-Buffering', 'no');
      const response = stream(c, async (out) => {
        // A reader gone away does not stop the import (its items are written or skipped whole).
        const send = (event: ImportEvent) =>
          out.write(`${JSON.stringify(event)}\n`).then(
            () => undefined,
            () => undefined,
          );
        let last = 0;
        try {
          const report = await service.import(admin, site, format, (done, total) => {
            // At most ~100 progress lines, and always the last.
            if (done === total || done - last >= Math.max(1, Math.floor(total / 100))) {
              last = done;
              void send({ type: 'progress', done, total });
            }
          });
          await send({ type: 'report', report });
        } catch (error) {
          logger.error({ err: error }, 'import failed');
          await send({
            type: 'error',
            error: { code: 'internal_error', message: 'The import stopped; what it wrote so far stays.' },
          });
        } finally {
          await staged?.cleanup();
        }
      });
      return response as never;
    })
    .openapi(exportSite, async (c) => {
      const admin = requireRole(c, 'admin');
      const { format } = c.req.valid('query');
      const day = new Date().toISOString().slice(0, 10);
      if (format === 'markdown') {
        const { files } = await service.exportMarkdown(admin);
        const folder = `blog-markdown-${day}`;
        const tar = tarOf(files.map((file) => ({ path: `${folder}/${file.path}`, content: file.content })));
        return c.body(new Uint8Array(tar), 200, {
          'Content-Type': 'application/x-tar',
          'Content-Disposition': `attachment; filename="${folder}.tar"`,
        });
      }
      const archive = await service.exportArchive(admin);
      c.header('Content-Disposition', `attachment; filename="blog-archive-${day}.json"`);
      return c.json(archive, 200);
    });
}
