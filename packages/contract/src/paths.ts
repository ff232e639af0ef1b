/**
 * A URL path that stays on this site when it becomes a `Location`: browsers read `//host/x`
 * (and `/\host/x`) as another host, so every run of leading slashes or backslashes becomes one
 * slash. Everything that turns a path into a redirect goes through here.
 */
export const sitePath = (path: string): string => path.replace(/^[/\\]+/, '/');

/** The site page of a draft's secret preview link (rendered on demand, never cached). */
export const previewPagePath = (token: string): string => `/preview/${token}/`;

/** What a preview link's token looks like: `<post id>.<expiry, Unix seconds>.<HMAC-SHA256, base64url>`. */
export const PREVIEW_TOKEN_PATTERN = /^[1-9]\d{0,9}\.\d{1,12}\.[A-Za-z0-9_-]{43}$/;
