// Site-wide constants: the words and numbers the pages share.

// The blog's name and description are the API's (SITE_NAME, SITE_DESCRIPTION): getSiteInfo().

/** Posts per listing page (home and category pages). */
export const PAGE_SIZE = 10;

/** Newest posts in the RSS feed. */
export const FEED_SIZE = 50;

/** Where the islands reach the API from the reader's browser (same origin, cookies). */
export const BROWSER_API_BASE = '/api';
