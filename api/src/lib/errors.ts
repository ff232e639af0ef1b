import type { ErrorCode, ErrorDetail } from '@blog/contract';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export type { ErrorCode, ErrorDetail } from '@blog/contract';

/** The one error class of the API: a status, a stable snake_case code and a human message. */
export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers?: Record<string, string>,
  ) {
    super(status, { message });
    this.name = 'ApiError';
  }
}

export const unauthorized = (message = 'Sign in to do this.') => new ApiError(401, 'unauthorized', message);
export const forbidden = (code: ErrorCode, message: string) => new ApiError(403, code, message);
export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found.`);
export const conflict = (code: ErrorCode, message: string) => new ApiError(409, code, message);
export const unprocessable = (code: ErrorCode, message: string, details?: ErrorDetail[]) =>
  new ApiError(422, code, message, details);
