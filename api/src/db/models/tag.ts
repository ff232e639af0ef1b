import {
  type CreationOptional,
  DataTypes,
  type ForeignKey,
  type InferAttributes,
  type InferCreationAttributes,
  Model,
  type ModelAttributes,
} from 'sequelize';
import type { Post } from './post.js';

export class Tag extends Model<InferAttributes<Tag>, InferCreationAttributes<Tag>> {
  declare id: CreationOptional<number>;
  declare name: string;
  /** The name's case-insensitive key (tagKey of the contract): unique, so "Rust" and "rust" are one tag. */
  declare nameKey: string;
  declare slug: string;
  /** Published posts carrying this tag (kept by the PostTag and Post hooks, counts.ts). */
  declare postsCount: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export const tagAttributes: ModelAttributes<Tag, InferAttributes<Tag>> = {
  id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
  name: { type: DataTypes.STRING(60), allowNull: false },
  nameKey: { type: DataTypes.STRING(60), allowNull: false, unique: true },
  slug: { type: DataTypes.STRING(100), allowNull: false, unique: true },
  postsCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  createdAt: DataTypes.DATE,
  updatedAt: DataTypes.DATE,
};

/** One tag on one post (unique pair; goes with either). */
export class PostTag extends Model<InferAttributes<PostTag>, InferCreationAttributes<PostTag>> {
  declare postId: ForeignKey<Post['id']>;
  declare tagId: ForeignKey<Tag['id']>;
  declare createdAt: CreationOptional<Date>;
}

export const postTagAttributes: ModelAttributes<PostTag, InferAttributes<PostTag>> = {
  postId: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true },
  tagId: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true },
  createdAt: DataTypes.DATE,
};
