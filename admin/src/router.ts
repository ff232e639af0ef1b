// History API routing under the app's base (/admin/). nginx and the one-process server answer
// every /admin/* path with index.html, so deep links and reloads work.

export type Route =
  | { name: 'dashboard' }
  | { name: 'users' }
  | { name: 'user'; id: number }
  | { name: 'posts' }
  | { name: 'post'; id: number | 'new' }
  | { name: 'categories' }
  | { name: 'tags' }
  | { name: 'media' }
  | { name: 'profile' }
  | { name: 'comments' }
  | { name: 'moderation' }
  | { name: 'rebuilds' }
  | { name: 'newsletter' }
  | { name: 'audit' }
  | { name: 'import' }
  | { name: 'not-found' };

/** The app's mount point, with a trailing slash (Vite's `base`). */
export const BASE = import.meta.env.BASE_URL;

/** Fired on window after `navigate()` changed the URL (popstate covers back and forward). */
export const NAVIGATE_EVENT = 'admin-navigate';

declare global {
  interface WindowEventMap {
    [NAVIGATE_EVENT]: Event;
  }
}

const ID = /^[1-9][0-9]{0,9}$/;

/** The route a URL path names. */
export function parseRoute(pathname: string): Route {
  if (!pathname.startsWith(BASE)) return `${pathname}/` === BASE ? { name: 'dashboard' } : { name: 'not-found' };
  const parts = pathname.slice(BASE.length).split('/').filter(Boolean);
  const [section, id, ...rest] = parts;
  if (rest.length > 0) return { name: 'not-found' };
  switch (section) {
    case undefined:
      return { name: 'dashboard' };
    case 'users':
      if (id === undefined) return { name: 'users' };
      return ID.test(id) ? { name: 'user', id: Number(id) } : { name: 'not-found' };
    case 'posts':
      if (id === undefined) return { name: 'posts' };
      if (id === 'new') return { name: 'post', id: 'new' };
      return ID.test(id) ? { name: 'post', id: Number(id) } : { name: 'not-found' };
    case 'categories':
    case 'tags':
    case 'media':
    case 'profile':
    case 'comments':
    case 'moderation':
    case 'rebuilds':
    case 'newsletter':
    case 'audit':
    case 'import':
      return id === undefined ? { name: section } : { name: 'not-found' };
    default:
      return { name: 'not-found' };
  }
}

/** The URL path of a route. */
export function href(route: Route): string {
  switch (route.name) {
    case 'dashboard':
    case 'not-found':
      return BASE;
    case 'user':
      return `${BASE}users/${route.id}`;
    case 'post':
      return `${BASE}posts/${route.id}`;
    default:
      return `${BASE}${route.name}`;
  }
}

/** Asked before the app leaves a page: a question to confirm (unsaved work), or null to go. */
export type LeaveCheck = () => string | null;
const leaveChecks = new Set<LeaveCheck>();

/** Registers `check` until the returned function is called (a page with work to lose). */
export function guardLeaving(check: LeaveCheck): () => void {
  leaveChecks.add(check);
  return () => leaveChecks.delete(check);
}

/** Whether the app may leave the page: every registered check agrees, or the user confirms. */
export function mayLeave(): boolean {
  for (const check of leaveChecks) {
    const question = check();
    if (question && !window.confirm(question)) return false;
  }
  return true;
}

/** Goes to `path` (an app path) without reloading. */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

/**
 * The app path a click on a link should open in place, or null when the browser should handle
 * it (another origin or outside the app, a modifier key, a target, a download).
 */
export function inAppLink(event: MouseEvent): string | null {
  if (
    event.defaultPrevented ||
    event.button !== 0 ||
    event.metaKey ||
    event.ctrlKey ||
    event.shiftKey ||
    event.altKey
  ) {
    return null;
  }
  const anchor = event.composedPath().find((node): node is HTMLAnchorElement => node instanceof HTMLAnchorElement);
  if (!anchor || anchor.target || anchor.hasAttribute('download') || !anchor.href) return null;
  const url = new URL(anchor.href);
  if (url.origin !== location.origin || !url.pathname.startsWith(BASE)) return null;
  return url.pathname + url.search + url.hash;
}
