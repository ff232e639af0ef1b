import type { Session, User } from './db/models/index.js';

/** What every request carries through Hono's context. */
export type AppEnv = {
  Variables: {
    requestId: string;
    /** The signed-in user, or null. */
    user: User | null;
    session: Session | null;
  };
};
