import {
  type CreationOptional,
  DataTypes,
  type InferAttributes,
  type InferCreationAttributes,
  Model,
  type ModelAttributes,
} from 'sequelize';

export const USER_ROLES = ['user', 'author', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export class User extends Model<InferAttributes<User>, InferCreationAttributes<User>> {
  declare id: CreationOptional<number>;
  declare email: string;
  declare name: string;
  /** Null for accounts that only sign in through OpenID Connect. */
  declare passwordHash: string | null;
  declare role: CreationOptional<UserRole>;
  declare emailVerifiedAt: Date | null;
  declare bannedAt: CreationOptional<Date | null>;
  /** Published posts by this user (kept by the Post hooks). */
  declare postsCount: CreationOptional<number>;
  /** Visible comments by this user (kept by the Comment hooks). */
  declare commentsCount: CreationOptional<number>;
  /** The address of their author page (/authors/<slug>/); given to whoever writes a post (db/derived.ts). */
  declare slug: CreationOptional<string | null>;
  /** A short bio for their author page. */
  declare bio: CreationOptional<string>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export const userAttributes: ModelAttributes<User, InferAttributes<User>> = {
  id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
  email: { type: DataTypes.STRING(254), allowNull: false, unique: true },
  name: { type: DataTypes.STRING(80), allowNull: false },
  passwordHash: { type: DataTypes.STRING(255), allowNull: true },
  role: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'user' },
  emailVerifiedAt: { type: DataTypes.DATE, allowNull: true },
  bannedAt: { type: DataTypes.DATE, allowNull: true, defaultValue: null },
  postsCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  commentsCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  slug: { type: DataTypes.STRING(100), allowNull: true, defaultValue: null, unique: 'users_slug' },
  bio: { type: DataTypes.STRING(500), allowNull: false, defaultValue: '' },
  createdAt: DataTypes.DATE,
  updatedAt: DataTypes.DATE,
};
