import type { TagRef } from '@blog/contract';
import {
  type CreationOptional,
  DataTypes,
  type ForeignKey,
  type InferAttributes,
  type InferCreationAttributes,
  Model,
  type ModelAttributes,
  type NonAttribute,
} from 'sequelize';
import type { Category } from './category.js';
import type { Media } from './media.js';
import type { User } from './user.js';

export const POST_STATUSES = ['draft', 'published', 'scheduled'] as const;
export type PostStatus = (typeof POST_STATUSES)[number];

export class Post extends Model<InferAttributes<Post>, InferCreationAttributes<Post>> {
  declare id: CreationOptional<number>;
  declare authorId: ForeignKey<User['id']>;
  declare categoryId: ForeignKey<Category['id']> | null;
  declare title: string;
  declare subtitle: CreationOptional<string>;
  declare slug: string;
  declare bodyMarkdown: string;
  /** Sanitised HTML rendered from bodyMarkdown on every save. */
  declare bodyHtml: CreationOptional<string>;
  /** Plain-text preview rendered from bodyMarkdown on every save. */
  declare excerpt: CreationOptional<string>;
  declare status: CreationOptional<PostStatus>;
  declare publishedAt: CreationOptional<Date | null>;
  /** Visible comments on this post (kept by the Comment hooks). */
  declare commentsCount: CreationOptional<number>;
  /** This post's moderation mode (open | first | all); null: the site's COMMENT_MODERATION. */
  declare commentModeration: CreationOptional<'open' | 'first' | 'all' | null>;
  /** No new comments; the existing ones stay. */
  declare commentsClosed: CreationOptional<boolean>;
  /** SEO and sharing (issue 14): the page's meta description ('' → the excerpt). */
  declare metaDescription: CreationOptional<string>;
  /** The author's own excerpt ('' → one made from the body); `excerpt` holds whichever applies. */
  declare customExcerpt: CreationOptional<string>;
  /** The page's canonical URL when it is not the post's own address (a cross-post). */
  declare canonicalUrl: CreationOptional<string | null>;
  /** The `og:image` to share the page with, over the cover. */
  declare ogImageUrl: CreationOptional<string | null>;
  /** Whole minutes, at least 1 (kept by the render hook, db/derived.ts). */
  declare readingMinutes: CreationOptional<number>;
  /** Its cover image (features/media), or null: the gradient masthead. */
  declare coverMediaId: CreationOptional<number | null>;
  declare cover?: NonAttribute<Media | null>;
  /** When a `scheduled` post is to be published; null otherwise. */
  declare publishAt: CreationOptional<Date | null>;
  /** +1 with every saved change: edits made on an older version are refused. */
  declare version: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  declare author?: NonAttribute<User>;
  declare category?: NonAttribute<Category | null>;
  /** Its tags by name, when read with them (features/tags: one query for a whole page of posts). */
  declare tags?: NonAttribute<TagRef[]>;
}

export const postAttributes: ModelAttributes<Post, InferAttributes<Post>> = {
  id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
  authorId: { type: DataTypes.INTEGER, allowNull: false },
  categoryId: { type: DataTypes.INTEGER, allowNull: true },
  title: { type: DataTypes.STRING(200), allowNull: false },
  subtitle: { type: DataTypes.STRING(300), allowNull: false, defaultValue: '' },
  slug: { type: DataTypes.STRING(220), allowNull: false, unique: true },
  bodyMarkdown: { type: DataTypes.TEXT, allowNull: false },
  bodyHtml: { type: DataTypes.TEXT, allowNull: false, defaultValue: '' },
  excerpt: { type: DataTypes.STRING(400), allowNull: false, defaultValue: '' },
  status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'draft' },
  publishedAt: { type: DataTypes.DATE, allowNull: true, defaultValue: null },
  commentsCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  commentModeration: { type: DataTypes.STRING(8), allowNull: true, defaultValue: null },
  commentsClosed: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
  metaDescription: { type: DataTypes.STRING(300), allowNull: false, defaultValue: '' },
  customExcerpt: { type: DataTypes.STRING(300), allowNull: false, defaultValue: '' },
  canonicalUrl: { type: DataTypes.STRING(2000), allowNull: true, defaultValue: null },
  ogImageUrl: { type: DataTypes.STRING(2000), allowNull: true, defaultValue: null },
  readingMinutes: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
  publishAt: { type: DataTypes.DATE, allowNull: true, defaultValue: null },
  coverMediaId: { type: DataTypes.INTEGER, allowNull: true, defaultValue: null },
  version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
  createdAt: DataTypes.DATE,
  updatedAt: DataTypes.DATE,
};
