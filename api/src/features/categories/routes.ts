import { createRoute } from '@hono/zod-openapi';
import { requireRole } from '../../auth/guards.js';
import { createRouter, errorResponses, IdOrSlugParam, jsonBody, jsonResponse } from '../../lib/openapi.js';
import { presentCategory } from './presenter.js';
import { CategoryListSchema, CategorySchema, CreateCategorySchema, UpdateCategorySchema } from './schema.js';
import type { CategoryService } from './service.js';

const tags = ['Categories'];

const listCategories = createRoute({
  method: 'get',
  path: '/categories',
  tags,
  summary: 'All categories with their published post counts',
  responses: { 200: jsonResponse(CategoryListSchema, 'Categories by name') },
});

const getCategory = createRoute({
  method: 'get',
  path: '/categories/{idOrSlug}',
  tags,
  summary: 'One category by id or slug',
  request: { params: IdOrSlugParam },
  responses: { 200: jsonResponse(CategorySchema, 'The category'), ...errorResponses(400, 404) },
});

const createCategory = createRoute({
  method: 'post',
  path: '/categories',
  tags,
  summary: 'Create a category (admins)',
  request: { body: jsonBody(CreateCategorySchema) },
  responses: {
    201: jsonResponse(CategorySchema, 'The new category'),
    ...errorResponses(400, 401, 403, 409, 413, 415, 422),
  },
});

const updateCategory = createRoute({
  method: 'patch',
  path: '/categories/{idOrSlug}',
  tags,
  summary: 'Edit a category (admins)',
  request: { params: IdOrSlugParam, body: jsonBody(UpdateCategorySchema) },
  responses: {
    200: jsonResponse(CategorySchema, 'The edited category'),
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422),
  },
});

const deleteCategory = createRoute({
  method: 'delete',
  path: '/categories/{idOrSlug}',
  tags,
  summary: 'Delete a category; its posts become uncategorised (admins)',
  request: { params: IdOrSlugParam },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(400, 401, 403, 404) },
});

/** Category routes, mounted at /api. */
export function categoryRoutes(categories: CategoryService) {
  return createRouter()
    .openapi(listCategories, async (c) => {
      const items = await categories.list();
      return c.json({ items: items.map(presentCategory) }, 200);
    })
    .openapi(getCategory, async (c) => {
      const category = await categories.get(c.req.valid('param').idOrSlug);
      return c.json(presentCategory(category), 200);
    })
    .openapi(createCategory, async (c) => {
      const admin = requireRole(c, 'admin');
      const category = await categories.create(admin, c.req.valid('json'));
      return c.json(presentCategory(category), 201);
    })
    .openapi(updateCategory, async (c) => {
      const admin = requireRole(c, 'admin');
      const category = await categories.update(admin, c.req.valid('param').idOrSlug, c.req.valid('json'));
      return c.json(presentCategory(category), 200);
    })
    .openapi(deleteCategory, async (c) => {
      const admin = requireRole(c, 'admin');
      await categories.remove(admin, c.req.valid('param').idOrSlug);
      return c.body(null, 204);
    });
}
