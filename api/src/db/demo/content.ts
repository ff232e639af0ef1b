import type { Scene } from './art.js';

/** The demo's people, by the part of their address before @example.com. */
export type PersonKey = 'admin' | 'grace' | 'linus' | 'minji' | 'sam' | 'noor' | 'tomas' | 'yuki' | 'ulla';

/** A picture of the demo: what to draw, and its alt text. */
export interface DemoPicture {
  scene: Scene;
  alt: string;
}

export interface DemoComment {
  by: PersonKey;
  text: string;
  /** Who likes it (never its own author). */
  likedBy?: PersonKey[];
}

/**
 * A thread: a top-level comment and its replies, oldest first. Threading is one level deep
 * (a reply to a reply joins its thread, as the comments service stores it), so a reply that
 * answers another reply names its author, as readers do.
 */
export interface DemoThread extends DemoComment {
  /** Hidden by a moderator (it counts nowhere, and takes no replies). */
  hidden?: boolean;
  replies?: DemoComment[];
}

export interface DemoPost {
  title: string;
  subtitle: string;
  /** Kept across languages and releases: tests and links name posts by it. */
  slug: string;
  /** Index into the content's categories. */
  category: number;
  tags: string[];
  author: PersonKey;
  /**
   * Markdown. A line holding only `{{picture}}` is where `picture` goes (the Markdown the
   * editor inserts for a library image); without images the line is dropped.
   */
  body: string;
  cover: DemoPicture;
  picture?: DemoPicture;
  draft?: boolean;
  threads: DemoThread[];
}

export interface DemoContent {
  categories: Array<{ name: string; slug: string; description: string }>;
  people: Record<PersonKey, { name: string; bio?: string }>;
  posts: DemoPost[];
}

/** Where a post's inline picture goes. */
export const PICTURE_PLACEHOLDER = '{{picture}}';
