import type { Sequelize } from 'sequelize';
import {
  Identity,
  identityAttributes,
  OtpCode,
  otpCodeAttributes,
  RateLimit,
  rateLimitAttributes,
  Session,
  sessionAttributes,
} from './auth.js';
import { Category, categoryAttributes } from './category.js';
import { Comment, CommentLike, commentAttributes, commentLikeAttributes } from './comment.js';
import { Media, mediaAttributes } from './media.js';
import {
  Ban,
  banAttributes,
  ModerationEvent,
  moderationEventAttributes,
  SiteSetting,
  siteSettingAttributes,
} from './moderation.js';
import { AuditLog, auditLogAttributes, BuildEvent, buildEventAttributes, Job, jobAttributes } from './ops.js';
import { Post, postAttributes } from './post.js';
import { PostRevision, postRevisionAttributes } from './revision.js';
import {
  NewsletterDelivery,
  NewsletterSend,
  NotificationEvent,
  newsletterDeliveryAttributes,
  newsletterSendAttributes,
  notificationEventAttributes,
  Subscription,
  subscriptionAttributes,
} from './subscription.js';
import { PostTag, postTagAttributes, Tag, tagAttributes } from './tag.js';
import { User, userAttributes } from './user.js';

export type { OtpPurpose } from './auth.js';
export type { CommentStatus } from './comment.js';
export type { BanKind } from './moderation.js';
export type { PostStatus } from './post.js';
export type { SubscriptionKind } from './subscription.js';
export type { UserRole } from './user.js';
export {
  AuditLog,
  Ban,
  BuildEvent,
  Category,
  Comment,
  CommentLike,
  Identity,
  Job,
  Media,
  ModerationEvent,
  NewsletterDelivery,
  NewsletterSend,
  NotificationEvent,
  OtpCode,
  Post,
  PostRevision,
  PostTag,
  RateLimit,
  Session,
  SiteSetting,
  Subscription,
  Tag,
  User,
};

/**
 * Binds a fresh set of model classes to one Sequelize instance. Each call makes
 * new subclasses, so two databases (two apps in one test process) never share
 * model state; the exported base classes are the types.
 */
export function initModels(sequelize: Sequelize) {
  const common = { sequelize, underscored: true } as const;

  class UserModel extends User {}
  UserModel.init(userAttributes, { ...common, modelName: 'User', tableName: 'users' });
  class IdentityModel extends Identity {}
  IdentityModel.init(identityAttributes, {
    ...common,
    modelName: 'Identity',
    tableName: 'identities',
    updatedAt: false,
  });
  class SessionModel extends Session {}
  SessionModel.init(sessionAttributes, {
    ...common,
    modelName: 'Session',
    tableName: 'sessions',
    updatedAt: false,
  });
  class OtpCodeModel extends OtpCode {}
  OtpCodeModel.init(otpCodeAttributes, {
    ...common,
    modelName: 'OtpCode',
    tableName: 'otp_codes',
    updatedAt: false,
  });
  class RateLimitModel extends RateLimit {}
  RateLimitModel.init(rateLimitAttributes, {
    ...common,
    modelName: 'RateLimit',
    tableName: 'rate_limits',
    timestamps: false,
  });
  class CategoryModel extends Category {}
  CategoryModel.init(categoryAttributes, { ...common, modelName: 'Category', tableName: 'categories' });
  class PostModel extends Post {}
  PostModel.init(postAttributes, { ...common, modelName: 'Post', tableName: 'posts' });
  class CommentModel extends Comment {}
  CommentModel.init(commentAttributes, { ...common, modelName: 'Comment', tableName: 'comments' });
  class CommentLikeModel extends CommentLike {}
  CommentLikeModel.init(commentLikeAttributes, {
    ...common,
    modelName: 'CommentLike',
    tableName: 'comment_likes',
    updatedAt: false,
  });
  class BuildEventModel extends BuildEvent {}
  BuildEventModel.init(buildEventAttributes, {
    ...common,
    modelName: 'BuildEvent',
    tableName: 'build_events',
  });
  class JobModel extends Job {}
  JobModel.init(jobAttributes, { ...common, modelName: 'Job', tableName: 'jobs' });
  class AuditLogModel extends AuditLog {}
  AuditLogModel.init(auditLogAttributes, {
    ...common,
    modelName: 'AuditLog',
    tableName: 'audit_logs',
    updatedAt: false,
  });

  class BanModel extends Ban {}
  BanModel.init(banAttributes, { ...common, modelName: 'Ban', tableName: 'bans', updatedAt: false });
  class ModerationEventModel extends ModerationEvent {}
  ModerationEventModel.init(moderationEventAttributes, {
    ...common,
    modelName: 'ModerationEvent',
    tableName: 'moderation_events',
    updatedAt: false,
  });
  class SiteSettingModel extends SiteSetting {}
  SiteSettingModel.init(siteSettingAttributes, {
    ...common,
    modelName: 'SiteSetting',
    tableName: 'site_settings',
    createdAt: false,
  });

  // Subscriptions (migration 0006)
  class SubscriptionModel extends Subscription {}
  SubscriptionModel.init(subscriptionAttributes, {
    ...common,
    modelName: 'Subscription',
    tableName: 'subscriptions',
  });
  class NotificationEventModel extends NotificationEvent {}
  NotificationEventModel.init(notificationEventAttributes, {
    ...common,
    modelName: 'NotificationEvent',
    tableName: 'notification_events',
    updatedAt: false,
  });
  class NewsletterSendModel extends NewsletterSend {}
  NewsletterSendModel.init(newsletterSendAttributes, {
    ...common,
    modelName: 'NewsletterSend',
    tableName: 'newsletter_sends',
  });
  class NewsletterDeliveryModel extends NewsletterDelivery {}
  NewsletterDeliveryModel.init(newsletterDeliveryAttributes, {
    ...common,
    modelName: 'NewsletterDelivery',
    tableName: 'newsletter_deliveries',
    updatedAt: false,
  });

  // Tags (migration 0007)
  class TagModel extends Tag {}
  TagModel.init(tagAttributes, { ...common, modelName: 'Tag', tableName: 'tags' });
  class PostTagModel extends PostTag {}
  PostTagModel.init(postTagAttributes, {
    ...common,
    modelName: 'PostTag',
    tableName: 'post_tags',
    updatedAt: false,
  });
  // Revisions (migration 0008)
  class PostRevisionModel extends PostRevision {}
  PostRevisionModel.init(postRevisionAttributes, {
    ...common,
    modelName: 'PostRevision',
    tableName: 'post_revisions',
    updatedAt: false,
  });
  PostRevisionModel.belongsTo(UserModel, { as: 'user', foreignKey: 'userId' });
  // Media (migration 0010)
  class MediaModel extends Media {}
  MediaModel.init(mediaAttributes, { ...common, modelName: 'Media', tableName: 'media' });
  MediaModel.belongsTo(UserModel, { as: 'owner', foreignKey: 'ownerId' });
  PostModel.belongsTo(MediaModel, { as: 'cover', foreignKey: 'coverMediaId' });

  PostModel.belongsTo(UserModel, { as: 'author', foreignKey: 'authorId' });
  PostModel.belongsTo(CategoryModel, { as: 'category', foreignKey: 'categoryId' });
  CommentModel.belongsTo(UserModel, { as: 'author', foreignKey: 'authorId' });
  CommentModel.belongsTo(PostModel, { as: 'post', foreignKey: 'postId' });
  CommentModel.hasMany(CommentModel, { as: 'replies', foreignKey: 'parentId' });
  SessionModel.belongsTo(UserModel, { as: 'user', foreignKey: 'userId' });
  CommentLikeModel.belongsTo(CommentModel, { as: 'comment', foreignKey: 'commentId' });

  return {
    User: UserModel,
    Identity: IdentityModel,
    Session: SessionModel,
    OtpCode: OtpCodeModel,
    RateLimit: RateLimitModel,
    Category: CategoryModel,
    Post: PostModel,
    Comment: CommentModel,
    CommentLike: CommentLikeModel,
    BuildEvent: BuildEventModel,
    Job: JobModel,
    AuditLog: AuditLogModel,
    Ban: BanModel,
    ModerationEvent: ModerationEventModel,
    SiteSetting: SiteSettingModel,
    Subscription: SubscriptionModel,
    NotificationEvent: NotificationEventModel,
    NewsletterSend: NewsletterSendModel,
    NewsletterDelivery: NewsletterDeliveryModel,
    Tag: TagModel,
    PostTag: PostTagModel,
    PostRevision: PostRevisionModel,
    Media: MediaModel,
  };
}

export type Models = ReturnType<typeof initModels>;
