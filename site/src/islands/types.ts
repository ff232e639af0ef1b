// The answers the islands work with: the contract's route types (type-only, no bytes in the
// bundle), which api/src/features/client-routes.test.ts keeps equal to the API's.
import type { ResponseOf } from '@blog/contract/client';

export type CommentPage = ResponseOf<'GET /posts/:idOrSlug/comments'>;
export type CommentThread = CommentPage['items'][number];
export type Comment = ResponseOf<'POST /posts/:idOrSlug/comments'>;
export type SessionResponse = ResponseOf<'GET /auth/session'>;
export type User = NonNullable<SessionResponse['user']>;
export type CommentViewer = ResponseOf<'GET /posts/:idOrSlug/comments/viewer'>;
export type { StaticCommentPage } from '@blog/contract';
