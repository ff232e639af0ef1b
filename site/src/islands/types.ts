// The API's response types for the islands, derived from its routes (`AppType`): type-only,
// so they cost no bytes in the bundle and break the type check the moment the API changes.
import type { AppType } from '@blog/api';
import type { ExtractSchema } from 'hono/types';

type Schema = ExtractSchema<AppType>;

/** The JSON body `Method Path` answers with `Status`, as the route declares it. */
type Output<Path extends keyof Schema, Method extends keyof Schema[Path], Status extends number> =
  Extract<Schema[Path][Method], { status: Status }> extends { output: infer O } ? O : never;

export type CommentPage = Output<'/api/posts/:idOrSlug/comments', '$get', 200>;
export type CommentThread = CommentPage['items'][number];
export type Comment = Output<'/api/posts/:idOrSlug/comments', '$post', 201>;
export type SessionResponse = Output<'/api/auth/session', '$get', 200>;
export type User = NonNullable<SessionResponse['user']>;
export type UserResponse = Output<'/api/auth/login', '$post', 200>;
export type SignupResponse = Output<'/api/auth/signup', '$post', 201>;
export type OtpSent = Output<'/api/auth/otp/send', '$post', 202>;
export type ProviderList = Output<'/api/auth/providers', '$get', 200>;
export type CommentCounts = Output<'/api/comments/counts', '$get', 200>;

// A renamed route or a wrong status makes a type above `never` or `unknown`; fail here rather than far away.
type Resolved<T> = [T] extends [never] ? false : unknown extends T ? false : true;
type Must<T extends true> = T;
export type TypesResolved = [
  Must<Resolved<CommentPage>>,
  Must<Resolved<Comment>>,
  Must<Resolved<SessionResponse>>,
  Must<Resolved<UserResponse>>,
  Must<Resolved<SignupResponse>>,
  Must<Resolved<OtpSent>>,
  Must<Resolved<ProviderList>>,
  Must<Resolved<CommentCounts>>,
];
