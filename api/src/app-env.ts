import type { SignatureCheck } from '@blog/contract/signature';
import type { Session, User } from './db/models/index.js';

/** What every request carries through Hono's context. */
export type AppEnv = {
  Variables: {
    requestId: string;
    /** The signed-in user, or null. */
    user: User | null;
    session: Session | null;
    /** The verdict on a request signed by the builder (its routes only; see publishing/routes.ts). */
    signature?: SignatureCheck;
  };
};
