// Site-wide constants: the words and numbers the pages share.

export const SITE_TITLE = 'Static-first Blog';
export const SITE_SUBTITLE = 'Notes on building, travelling and cooking, served as plain files.';
export const SITE_DESCRIPTION =
  'A static-first blog: posts on engineering, travel and food, prebuilt as plain HTML, comments included.';

/** Posts per listing page (home and category pages). */
export const PAGE_SIZE = 10;

/** Newest posts in the RSS feed. */
export const FEED_SIZE = 50;

/** Where the islands reach the API from the reader's browser (same origin, cookies). */
export const BROWSER_API_BASE = '/api';
