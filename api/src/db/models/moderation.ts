import {
  type CreationOptional,
  DataTypes,
  type InferAttributes,
  type InferCreationAttributes,
  Model,
  type ModelAttributes,
} from 'sequelize';

export const BAN_KINDS = ['ip', 'email_domain'] as const;
export type BanKind = (typeof BAN_KINDS)[number];

/** An address or prefix, or an email domain, that may not sign up or comment (until `expiresAt`). */
export class Ban extends Model<InferAttributes<Ban>, InferCreationAttributes<Ban>> {
  declare id: CreationOptional<number>;
  declare kind: BanKind;
  /** `ip`: an address or CIDR prefix, canonical; `email_domain`: lower-case, no leading @. */
  declare value: string;
  declare reason: CreationOptional<string>;
  declare createdBy: number | null;
  declare expiresAt: Date | null;
  declare createdAt: CreationOptional<Date>;
}

export const banAttributes: ModelAttributes<Ban, InferAttributes<Ban>> = {
  id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
  kind: { type: DataTypes.STRING(16), allowNull: false },
  value: { type: DataTypes.STRING(253), allowNull: false },
  reason: { type: DataTypes.STRING(500), allowNull: false, defaultValue: '' },
  createdBy: { type: DataTypes.INTEGER, allowNull: true },
  expiresAt: { type: DataTypes.DATE, allowNull: true },
  createdAt: DataTypes.DATE,
};

/** One spam or moderation decision and its reason: refusals, comments sent to the queue, approvals. */
export class ModerationEvent extends Model<InferAttributes<ModerationEvent>, InferCreationAttributes<ModerationEvent>> {
  declare id: CreationOptional<number>;
  declare decision: 'refused' | 'queued' | 'approved' | 'rejected' | 'purged';
  declare reason: string;
  declare detail: CreationOptional<string>;
  declare userId: number | null;
  declare actorId: CreationOptional<number | null>;
  declare postId: number | null;
  declare commentId: CreationOptional<number | null>;
  declare createdAt: CreationOptional<Date>;
}

export const moderationEventAttributes: ModelAttributes<ModerationEvent, InferAttributes<ModerationEvent>> = {
  id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
  decision: { type: DataTypes.STRING(16), allowNull: false },
  reason: { type: DataTypes.STRING(64), allowNull: false },
  detail: { type: DataTypes.STRING(500), allowNull: false, defaultValue: '' },
  userId: { type: DataTypes.INTEGER, allowNull: true },
  actorId: { type: DataTypes.INTEGER, allowNull: true, defaultValue: null },
  postId: { type: DataTypes.INTEGER, allowNull: true },
  commentId: { type: DataTypes.INTEGER, allowNull: true, defaultValue: null },
  createdAt: DataTypes.DATE,
};

/** A run-time setting admins change (JSON text by key), e.g. `moderation` (the forbidden words). */
export class SiteSetting extends Model<InferAttributes<SiteSetting>, InferCreationAttributes<SiteSetting>> {
  declare key: string;
  declare value: string;
  declare updatedAt: CreationOptional<Date>;
}

export const siteSettingAttributes: ModelAttributes<SiteSetting, InferAttributes<SiteSetting>> = {
  key: { type: DataTypes.STRING(64), primaryKey: true },
  value: { type: DataTypes.TEXT, allowNull: false },
  updatedAt: DataTypes.DATE,
};
