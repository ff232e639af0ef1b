import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { requireRole } from '../../auth/guards.js';
import { ApiError } from '../../lib/errors.js';
import { createRouter, errorResponses, IdParam, jsonBody, jsonResponse } from '../../lib/openapi.js';
import { presentMedia } from './presenter.js';
import { MediaListQuerySchema, MediaListSchema, MediaSchema, UpdateMediaSchema } from './schema.js';
import type { MediaService } from './service.js';

const tags = ['Media'];

/** The one route that takes a multipart body (requireJsonBodies() for everything else). */
export const MEDIA_UPLOAD_PATH = '/api/media';

/** requireJsonBodies() for the upload (and the import): its body is multipart/form-data, nothing else. */
export function multipartBodies(
  message = 'Send the image as multipart/form-data, in a field named "file".',
): MiddlewareHandler {
  return async (c, next) => {
    const length = c.req.header('content-length');
    const hasBody = (length !== undefined && length !== '0') || c.req.header('transfer-encoding') !== undefined;
    if (hasBody && !/^multipart\/form-data\s*;/i.test(c.req.header('content-type') ?? '')) {
      throw new ApiError(415, 'unsupported_media_type', message);
    }
    await next();
  };
}

// Documents the form; the handler reads it (after the caller's role is checked, so a stranger
// learns nothing from a malformed form) and answers a missing file itself.
const UploadSchema = z.object({
  file: z
    .any()
    .optional()
    .openapi({ type: 'string', format: 'binary', description: 'Required: a JPEG, PNG, WebP, AVIF or GIF' }),
  alt: z
    .any()
    .optional()
    .openapi({ type: 'string', description: 'Alt text, at most 300 characters (required before it is a cover)' }),
});

const upload = createRoute({
  method: 'post',
  path: '/media',
  tags,
  summary: 'Upload an image: checked by content, made into AVIF/WebP/fallback variants (authors and admins)',
  request: { body: { content: { 'multipart/form-data': { schema: UploadSchema } }, required: true } },
  responses: {
    201: jsonResponse(MediaSchema, 'The image and its variants'),
    ...errorResponses(400, 401, 403, 413, 415, 422),
  },
});

const list = createRoute({
  method: 'get',
  path: '/media',
  tags,
  summary: 'The media library, newest first, searched by file name or alt text (authors and admins)',
  request: { query: MediaListQuerySchema },
  responses: { 200: jsonResponse(MediaListSchema, 'A page of images'), ...errorResponses(400, 401, 403) },
});

const getOne = createRoute({
  method: 'get',
  path: '/media/{id}',
  tags,
  summary: 'One image (authors and admins)',
  request: { params: IdParam },
  responses: { 200: jsonResponse(MediaSchema, 'The image'), ...errorResponses(400, 401, 403, 404) },
});

const update = createRoute({
  method: 'patch',
  path: '/media/{id}',
  tags,
  summary: "Change an image's alt text (its uploader or an admin)",
  request: { params: IdParam, body: jsonBody(UpdateMediaSchema) },
  responses: {
    200: jsonResponse(MediaSchema, 'The image'),
    ...errorResponses(400, 401, 403, 404, 413, 415, 422),
  },
});

const remove = createRoute({
  method: 'delete',
  path: '/media/{id}',
  tags,
  summary: 'Delete an image and its files; refused while a post shows it (its uploader or an admin)',
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(400, 401, 403, 404, 409) },
});

/** The media library's routes, mounted at /api (the upload's body limit is set in createApp). */
export function mediaRoutes(media: MediaService) {
  return createRouter()
    .openapi(upload, async (c) => {
      const user = requireRole(c, 'author', 'admin');
      let body: Record<string, string | File | (string | File)[]>;
      try {
        body = await c.req.parseBody();
      } catch {
        throw new ApiError(400, 'invalid_request', 'Send the image as multipart/form-data with a field named "file".');
      }
      const file = body.file;
      if (!(file instanceof File)) {
        throw new ApiError(422, 'validation_failed', 'Send the image in a field named "file".', [
          { path: 'file', message: 'is required' },
        ]);
      }
      const alt = typeof body.alt === 'string' ? body.alt.trim().slice(0, 300) : '';
      const saved = await media.upload(user, file, alt);
      return c.json(presentMedia(saved, 0), 201);
    })
    .openapi(list, async (c) => {
      requireRole(c, 'author', 'admin');
      const query = c.req.valid('query');
      const { rows, used, total } = await media.list(query);
      return c.json(
        {
          items: rows.map((row, index) => presentMedia(row, used[index] ?? 0)),
          page: query.page,
          limit: query.limit,
          total,
          totalPages: Math.max(1, Math.ceil(total / query.limit)),
        },
        200,
      );
    })
    .openapi(getOne, async (c) => {
      requireRole(c, 'author', 'admin');
      const { media: row, used } = await media.get(c.req.valid('param').id);
      return c.json(presentMedia(row, used), 200);
    })
    .openapi(update, async (c) => {
      const user = requireRole(c, 'author', 'admin');
      const { media: row, used } = await media.update(user, c.req.valid('param').id, c.req.valid('json'));
      return c.json(presentMedia(row, used), 200);
    })
    .openapi(remove, async (c) => {
      const user = requireRole(c, 'author', 'admin');
      await media.remove(user, c.req.valid('param').id);
      return c.body(null, 204);
    });
}
