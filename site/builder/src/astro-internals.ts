// The fast path's one reach into Astro internals, kept in this file (issue 10, DESIGN §1a).
//
// Why: re-rendering a few pages inside the render worker needs (1) the content layer's data store
// swapped for fresh post data and (2) the route caches of getStaticPaths() results cleared. Astro
// 7.3 has no public API for either: its prerenderer (astro:build:start → setPrerenderer) is
// public, but the store is a module singleton (`globalDataStore`, whose set() is kept "for API
// stability") and the caches are instances of an internal class. So two Astro runtime modules get
// one line appended while they are bundled for prerendering, exposing both on globalThis. The
// bundle may hold more than one instance of the data store's module (pages whose shared components
// read the content layer got a copy of their own: the fast path then rendered new posts from the
// old store): every instance is collected, and the fast path sets them all.
//
// Guard rails: Astro is pinned to exactly ASTRO_VERSION in site/package.json; the worker checks
// the installed version and that both hooks took after every full build (internalsProblem()); on
// any mismatch the fast path is off and every change is a full build, said loudly at start.
import { createRequire } from 'node:module';

/** The Astro release these two transforms were written and tested against. */
export const ASTRO_VERSION = '7.3.5';

const STORE_KEY = Symbol.for('blog.builder.dataStore');
const ROUTE_CACHES_KEY = Symbol.for('blog.builder.routeCaches');
const STORES_KEY = Symbol.for('blog.builder.dataStores');

export interface StoreEntry {
  id: string;
  data: Record<string, unknown>;
  digest?: string;
  [key: string]: unknown;
}
export type Collections = Map<string, Map<string, StoreEntry>>;
interface DataStoreSource {
  collections(): Collections;
}
export interface DataStoreSingleton {
  get(): Promise<DataStoreSource>;
  set(store: unknown): void;
}
interface RouteCacheLike {
  clearAll(): void;
}

const globals = globalThis as unknown as Record<symbol, unknown>;
const applied = { dataStore: false, routeCache: false };

/** A Vite plugin that appends the two lines to Astro's data-store.js and route-cache.js. */
export const exposeInternals = {
  name: 'blog-builder-expose-internals',
  transform(code: string, id: string) {
    if (/[\\/]astro[\\/]dist[\\/]content[\\/]data-store\.js$/.test(id)) {
      applied.dataStore = code.includes('globalDataStore');
      // Every instance: a page's chunk may hold its own copy of the module (the worker swaps them all).
      return `${code}\n(globalThis[Symbol.for('blog.builder.dataStores')] ??= new Set()).add(globalDataStore);\nglobalThis[Symbol.for('blog.builder.dataStore')] = globalDataStore;\n`;
    }
    if (/[\\/]astro[\\/]dist[\\/]core[\\/]render[\\/]route-cache\.js$/.test(id)) {
      applied.routeCache = /class RouteCache\b/.test(code) && code.includes('clearAll');
      return `${code}\n{ const caches = (globalThis[Symbol.for('blog.builder.routeCaches')] ??= new Set()); const set = RouteCache.prototype.set; RouteCache.prototype.set = function (route, entry) { caches.add(this); return set.call(this, route, entry); }; }\n`;
    }
    return undefined;
  },
};

function installedAstroVersion(): string {
  const require = createRequire(import.meta.url);
  const pkg: unknown = require('astro/package.json');
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string'
    ? pkg.version
    : 'unknown';
}

/** Why the fast path cannot run after this build, or null when both hooks are in place. */
export function internalsProblem(): string | null {
  const version = installedAstroVersion();
  if (version !== ASTRO_VERSION) return `Astro ${version} is installed; the fast path is written for ${ASTRO_VERSION}`;
  if (!applied.dataStore || !applied.routeCache)
    return "Astro's data-store.js or route-cache.js no longer look as expected";
  const store = globals[STORE_KEY] as Partial<DataStoreSingleton> | undefined;
  if (typeof store?.get !== 'function' || typeof store.set !== 'function') return 'the data store was not exposed';
  if (!(globals[ROUTE_CACHES_KEY] instanceof Set)) return 'no route cache was exposed';
  return null;
}

/** The exposed data store and route caches; throws (the builder then makes a full build) when they are not there. */
export function exposedInternals(): { dataStore: DataStoreSingleton; routeCaches: Set<RouteCacheLike> } {
  const problem = internalsProblem();
  if (problem) throw new Error(`fast path unavailable: ${problem}`);
  const stores = (globals[STORES_KEY] as Set<DataStoreSingleton> | undefined) ?? new Set();
  const first = globals[STORE_KEY] as DataStoreSingleton;
  return {
    // Read from one, written to every instance of the module the bundle holds.
    dataStore: {
      get: () => first.get(),
      set: (store: unknown) => {
        first.set(store);
        for (const other of stores) other.set(store);
      },
    },
    routeCaches: globals[ROUTE_CACHES_KEY] as Set<RouteCacheLike>,
  };
}
