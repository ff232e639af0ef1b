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
import type { User } from './user.js';

/** A third-party (OpenID Connect) identity linked to a user. */
export class Identity extends Model<InferAttributes<Identity>, InferCreationAttributes<Identity>> {
  declare id: CreationOptional<number>;
  declare userId: ForeignKey<User['id']>;
  declare provider: string;
  declare subject: string;
  declare createdAt: CreationOptional<Date>;
}

export const identityAttributes: ModelAttributes<Identity, InferAttributes<Identity>> = {
  id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
  userId: { type: DataTypes.INTEGER, allowNull: false },
  provider: { type: DataTypes.STRING(40), allowNull: false },
  subject: { type: DataTypes.STRING(255), allowNull: false },
  createdAt: DataTypes.DATE,
};

/** A server-side session; `id` is the SHA-256 of the cookie's random token, never the token. */
export class Session extends Model<InferAttributes<Session>, InferCreationAttributes<Session>> {
  declare id: string;
  declare userId: ForeignKey<User['id']>;
  declare expiresAt: Date;
  declare userAgent: CreationOptional<string>;
  declare ip: CreationOptional<string>;
  /** When the session was last used (null: not since it was created); see sessions.ts. */
  declare lastSeenAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;

  declare user?: NonAttribute<User>;
}

export const sessionAttributes: ModelAttributes<Session, InferAttributes<Session>> = {
  id: { type: DataTypes.STRING(64), primaryKey: true },
  userId: { type: DataTypes.INTEGER, allowNull: false },
  expiresAt: { type: DataTypes.DATE, allowNull: false },
  userAgent: { type: DataTypes.STRING(300), allowNull: false, defaultValue: '' },
  ip: { type: DataTypes.STRING(64), allowNull: false, defaultValue: '' },
  lastSeenAt: { type: DataTypes.DATE, allowNull: true },
  createdAt: DataTypes.DATE,
};

export const OTP_PURPOSES = ['verify_email', 'reset_password', 'change_email'] as const;
export type OtpPurpose = (typeof OTP_PURPOSES)[number];

/** A one-time code sent by mail, stored hashed. */
export class OtpCode extends Model<InferAttributes<OtpCode>, InferCreationAttributes<OtpCode>> {
  declare id: CreationOptional<number>;
  declare userId: ForeignKey<User['id']>;
  declare purpose: OtpPurpose;
  declare codeHash: string;
  declare expiresAt: Date;
  declare attempts: CreationOptional<number>;
  declare sentAt: Date;
  /** The new address of a `change_email` code (null for the other purposes). */
  declare target: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
}

export const otpCodeAttributes: ModelAttributes<OtpCode, InferAttributes<OtpCode>> = {
  id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
  userId: { type: DataTypes.INTEGER, allowNull: false },
  purpose: { type: DataTypes.STRING(32), allowNull: false },
  codeHash: { type: DataTypes.STRING(128), allowNull: false },
  expiresAt: { type: DataTypes.DATE, allowNull: false },
  attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  sentAt: { type: DataTypes.DATE, allowNull: false },
  target: { type: DataTypes.STRING(254), allowNull: true },
  createdAt: DataTypes.DATE,
};

/** A fixed-window counter for rate limits, shared by every API process through the database. */
export class RateLimit extends Model<InferAttributes<RateLimit>, InferCreationAttributes<RateLimit>> {
  declare key: string;
  declare windowStart: Date;
  declare count: number;
}

export const rateLimitAttributes: ModelAttributes<RateLimit, InferAttributes<RateLimit>> = {
  key: { type: DataTypes.STRING(200), primaryKey: true },
  windowStart: { type: DataTypes.DATE, allowNull: false },
  count: { type: DataTypes.INTEGER, allowNull: false },
};
