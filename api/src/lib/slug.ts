import { UniqueConstraintError } from 'sequelize';
import { conflict } from './errors.js';

/**
 * A URL slug from a title: lower-case letters and digits of any script joined
 * by hyphens (Korean titles keep their Hangul), at most `max` characters.
 */
export function slugify(title: string, max = 80): string {
  const slug = title
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/g, '');
  if (!slug) return 'post';
  // All-digit slugs would read as ids in /posts/{idOrSlug}.
  return /^\d+$/.test(slug) ? `n-${slug}` : slug;
}

/**
 * The slug a row gets: the one the client `wanted` when it is free (409
 * slug_taken otherwise), else the first free one made from `source`.
 */
export async function chooseSlug(options: {
  source: string;
  wanted: string | undefined;
  /** "post", "category": for the 409 message. */
  what: string;
  taken: (candidate: string) => Promise<boolean>;
}): Promise<string> {
  const { source, wanted, what, taken } = options;
  if (wanted !== undefined) {
    if (await taken(wanted)) throw conflict('slug_taken', `Another ${what} already uses the slug "${wanted}".`);
    return wanted;
  }
  return uniqueSlug(slugify(source), taken);
}

/** The first of `base`, `base-2`, `base-3`, … that `taken` says is free. */
export async function uniqueSlug(base: string, taken: (candidate: string) => Promise<boolean>): Promise<string> {
  if (!(await taken(base))) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!(await taken(candidate))) return candidate;
  }
}

/**
 * Runs `write` (a whole transaction that checks a slug is free, then writes it)
 * again when a concurrent transaction committed the same slug in between and the
 * unique index refused ours: the next run sees the slug taken, so it picks the
 * next free one, or answers 409 for a slug the client chose. SQLite never gets
 * here (its writers are serialised); PostgreSQL does.
 */
export async function retryOnSlugRace<T>(write: () => Promise<T>, exhausted: () => Error, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!(error instanceof UniqueConstraintError) || !error.errors.some((item) => item.path === 'slug')) throw error;
      if (attempt >= attempts) throw exhausted();
    }
  }
}
