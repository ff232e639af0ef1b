/**
 * A URL path that stays on this site when it becomes a `Location`: browsers read `//host/x`
 * (and `/\host/x`) as another host, so every run of leading slashes or backslashes becomes one
 * slash. Everything that turns a path into a redirect goes through here.
 */
export const sitePath = (path: string): string => path.replace(/^[/\\]+/, '/');
