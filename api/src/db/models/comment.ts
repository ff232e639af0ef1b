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
import type { Post } from './post.js';
import type { User } from './user.js';

export const COMMENT_STATUSES = ['visible', 'hidden', 'pending', 'rejected'] as const;
export type CommentStatus = (typeof COMMENT_STATUSES)[number];

export class Comment extends Model<InferAttributes<Comment>, InferCreationAttributes<Comment>> {
  declare id: CreationOptional<number>;
  declare postId: ForeignKey<Post['id']>;
  declare authorId: ForeignKey<User['id']>;
  /** The top-level comment this one replies to (one level of threading). */
  declare parentId: ForeignKey<Comment['id']> | null;
  declare bodyMarkdown: string;
  /** Sanitised HTML rendered from bodyMarkdown on every save. */
  declare bodyHtml: CreationOptional<string>;
  declare status: CreationOptional<CommentStatus>;
  declare editedAt: CreationOptional<Date | null>;
  /** Readers who like it; kept by the count hooks (db/counts.ts), hidden or not. */
  declare likesCount: CreationOptional<number>;
  /** Set while the thread is pinned (shown first); top-level comments only. */
  declare pinnedAt: CreationOptional<Date | null>;
  /** Why it waits for approval or was rejected (first_comment, forbidden_word: …); null when shown at once. */
  declare moderationReason: CreationOptional<string | null>;
  /** A keyed hash of the address it was sent from (ModerationService.ipHash), never the address. */
  declare ipHash: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  declare author?: NonAttribute<User>;
  declare replies?: NonAttribute<Comment[]>;
}

export const commentAttributes: ModelAttributes<Comment, InferAttributes<Comment>> = {
  id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
  postId: { type: DataTypes.INTEGER, allowNull: false },
  authorId: { type: DataTypes.INTEGER, allowNull: false },
  parentId: { type: DataTypes.INTEGER, allowNull: true },
  bodyMarkdown: { type: DataTypes.TEXT, allowNull: false },
  bodyHtml: { type: DataTypes.TEXT, allowNull: false, defaultValue: '' },
  status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'visible' },
  editedAt: { type: DataTypes.DATE, allowNull: true, defaultValue: null },
  likesCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  pinnedAt: { type: DataTypes.DATE, allowNull: true, defaultValue: null },
  moderationReason: { type: DataTypes.STRING(200), allowNull: true, defaultValue: null },
  ipHash: { type: DataTypes.STRING(64), allowNull: true, defaultValue: null },
  createdAt: DataTypes.DATE,
  updatedAt: DataTypes.DATE,
};

/** One reader liking one comment (at most once: the primary key is the pair). */
export class CommentLike extends Model<InferAttributes<CommentLike>, InferCreationAttributes<CommentLike>> {
  declare commentId: ForeignKey<Comment['id']>;
  declare userId: ForeignKey<User['id']>;
  declare createdAt: CreationOptional<Date>;
}

export const commentLikeAttributes: ModelAttributes<CommentLike, InferAttributes<CommentLike>> = {
  commentId: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true },
  userId: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true },
  createdAt: DataTypes.DATE,
};
