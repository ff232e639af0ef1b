import {
  type CreationOptional,
  DataTypes,
  type InferAttributes,
  type InferCreationAttributes,
  Model,
  type ModelAttributes,
  type NonAttribute,
} from 'sequelize';
import type { User } from './user.js';

/** One saved version of a post's title, subtitle and body (the last 20 per post are kept). */
export class PostRevision extends Model<InferAttributes<PostRevision>, InferCreationAttributes<PostRevision>> {
  declare id: CreationOptional<number>;
  declare postId: number;
  /** The post's version this revision saved. */
  declare version: number;
  declare title: string;
  declare subtitle: string;
  declare bodyMarkdown: string;
  /** Who saved it; null once their account is deleted. */
  declare userId: number | null;
  declare createdAt: CreationOptional<Date>;

  declare user?: NonAttribute<User | null>;
}

export const postRevisionAttributes: ModelAttributes<PostRevision, InferAttributes<PostRevision>> = {
  id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
  postId: { type: DataTypes.INTEGER, allowNull: false },
  version: { type: DataTypes.INTEGER, allowNull: false },
  title: { type: DataTypes.STRING(200), allowNull: false },
  subtitle: { type: DataTypes.STRING(300), allowNull: false, defaultValue: '' },
  bodyMarkdown: { type: DataTypes.TEXT, allowNull: false },
  userId: { type: DataTypes.INTEGER, allowNull: true },
  createdAt: DataTypes.DATE,
};
