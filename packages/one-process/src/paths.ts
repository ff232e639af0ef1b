import { fileURLToPath } from 'node:url';

/** The monorepo's root: `npm start` works from here (its .env, ./data). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
