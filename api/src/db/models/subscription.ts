import type { SubscriptionKind } from '@blog/contract';
import {
  type CreationOptional,
  DataTypes,
  type ForeignKey,
  type InferAttributes,
  type InferCreationAttributes,
  Model,
  type ModelAttributes,
} from 'sequelize';
import type { Comment } from './comment.js';
import type { Post } from './post.js';
import type { User } from './user.js';

export type { SubscriptionKind } from '@blog/contract';

/** Who gets mails about what (migration 0006 says what each column is for). */
export class Subscription extends Model<InferAttributes<Subscription>, InferCreationAttributes<Subscription>> {
  declare id: CreationOptional<number>;
  declare userId: ForeignKey<User['id']> | null;
  /** A bare address's subscription (the newsletter without an account); null for a user's. */
  declare email: string | null;
  /** `user:<id>` or `email:<address>`. */
  declare subscriber: string;
  declare kind: SubscriptionKind;
  declare postId: ForeignKey<Post['id']> | null;
  /** `post:<id>` or `-`: the post part of the unique key. */
  declare scope: string;
  declare confirmedAt: Date | null;
  declare unsubscribedAt: CreationOptional<Date | null>;
  /** Part of every signed link of this subscription. */
  declare secret: string;
  /** Set while a digest job is scheduled for it. */
  declare digestDueAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export const subscriptionAttributes: ModelAttributes<Subscription, InferAttributes<Subscription>> = {
  id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
  userId: { type: DataTypes.INTEGER, allowNull: true },
  email: { type: DataTypes.STRING(254), allowNull: true },
  subscriber: { type: DataTypes.STRING(270), allowNull: false },
  kind: { type: DataTypes.STRING(16), allowNull: false },
  postId: { type: DataTypes.INTEGER, allowNull: true },
  scope: { type: DataTypes.STRING(24), allowNull: false, defaultValue: '-' },
  confirmedAt: { type: DataTypes.DATE, allowNull: true },
  unsubscribedAt: { type: DataTypes.DATE, allowNull: true, defaultValue: null },
  secret: { type: DataTypes.STRING(32), allowNull: false },
  digestDueAt: { type: DataTypes.DATE, allowNull: true, defaultValue: null },
  createdAt: DataTypes.DATE,
  updatedAt: DataTypes.DATE,
};

/** A comment waiting for its subscription's digest mail. */
export class NotificationEvent extends Model<
  InferAttributes<NotificationEvent>,
  InferCreationAttributes<NotificationEvent>
> {
  declare id: CreationOptional<number>;
  declare subscriptionId: ForeignKey<Subscription['id']>;
  declare commentId: ForeignKey<Comment['id']>;
  declare createdAt: CreationOptional<Date>;
}

export const notificationEventAttributes: ModelAttributes<NotificationEvent, InferAttributes<NotificationEvent>> = {
  id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
  subscriptionId: { type: DataTypes.INTEGER, allowNull: false },
  commentId: { type: DataTypes.INTEGER, allowNull: false },
  createdAt: DataTypes.DATE,
};

/** One post mailed to the newsletter's confirmed subscribers. */
export class NewsletterSend extends Model<InferAttributes<NewsletterSend>, InferCreationAttributes<NewsletterSend>> {
  declare id: CreationOptional<number>;
  declare postId: ForeignKey<Post['id']> | null;
  declare title: string;
  declare recipients: number;
  declare lastSubscriptionId: number;
  declare cursor: CreationOptional<number>;
  declare nextMailAt: CreationOptional<Date | null>;
  declare finishedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export const newsletterSendAttributes: ModelAttributes<NewsletterSend, InferAttributes<NewsletterSend>> = {
  id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
  postId: { type: DataTypes.INTEGER, allowNull: true },
  title: { type: DataTypes.STRING(200), allowNull: false },
  recipients: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  lastSubscriptionId: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  cursor: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  nextMailAt: { type: DataTypes.DATE, allowNull: true, defaultValue: null },
  finishedAt: { type: DataTypes.DATE, allowNull: true, defaultValue: null },
  createdAt: DataTypes.DATE,
  updatedAt: DataTypes.DATE,
};

/** One recipient of a send: its mail job carries the delivery state. */
export class NewsletterDelivery extends Model<
  InferAttributes<NewsletterDelivery>,
  InferCreationAttributes<NewsletterDelivery>
> {
  declare id: CreationOptional<number>;
  declare sendId: ForeignKey<NewsletterSend['id']>;
  declare subscriptionId: ForeignKey<Subscription['id']> | null;
  declare jobId: number;
  declare createdAt: CreationOptional<Date>;
}

export const newsletterDeliveryAttributes: ModelAttributes<NewsletterDelivery, InferAttributes<NewsletterDelivery>> = {
  id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
  sendId: { type: DataTypes.INTEGER, allowNull: false },
  subscriptionId: { type: DataTypes.INTEGER, allowNull: true },
  jobId: { type: DataTypes.INTEGER, allowNull: false },
  createdAt: DataTypes.DATE,
};
