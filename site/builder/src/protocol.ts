import type { CommentsChange, PostChange } from './events.js';

/** Parent → render worker. */
export type WorkerRequest =
  | { id: number; type: 'build'; outDir: string }
  | { id: number; type: 'render'; releaseDir: string; changes: PostChange[]; comments: CommentsChange[] };

export interface BuildReply {
  pages: number;
  /** Where this build's on-demand server (@astrojs/node) answers, http://127.0.0.1:<port>; null when it could not start. */
  onDemandUrl: string | null;
}
export interface RenderReply {
  /** Site paths written, in order. */
  written: string[];
  removed: string[];
  /** Milliseconds until the changed posts' own pages were on disk. */
  firstPageMs: number;
  /**
   * The search index's update (scripts/search-index.ts: the delta's pages, the changed posts among
   * them, the base pages hidden), or null when no post changed.
   */
  search: { ms: number; pages: number; changed: number; hidden: number } | null;
}

/** Render worker → parent. */
export type WorkerReply =
  | { id: number; ok: true; result: BuildReply | RenderReply }
  | { id: number; ok: false; error: string };
