import { DataTypes, type QueryInterface } from 'sequelize';

const id = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false };
const references = (table: string, onDelete: 'CASCADE' | 'SET NULL') => ({
  references: { model: table, key: 'id' },
  onDelete,
  onUpdate: 'CASCADE',
});

/**
 * Subscriptions (DESIGN §2, issue 13): who gets mails about what, the notifications waiting for
 * their digest, and the newsletter's sends.
 *
 * - `subscriptions`: a user (`user_id`) or a bare address (`email`), `subscriber` the key of
 *   either (`user:<id>` or `email:<address>`), `kind` (post | site | replies | moderation),
 *   `post_id` for `post`, and `scope` (`post:<id>` or `-`) so one unique index covers
 *   (subscriber, kind, post) without NULLs (which a unique index treats as all different).
 *   `confirmed_at` (double opt-in of bare addresses), `unsubscribed_at` (kept, not deleted: a
 *   replies opt-out is such a row), `secret` (in every signed link; a new one voids old links),
 *   `digest_due_at` (set while a digest job is scheduled: later events join it).
 * - `notification_events`: one comment waiting for its subscription's digest mail.
 * - `newsletter_sends` / `newsletter_deliveries`: one send per post, one row per recipient
 *   naming its mail job (the delivery state is the job's).
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('subscriptions', {
    id,
    user_id: { type: DataTypes.INTEGER, allowNull: true, ...references('users', 'CASCADE') },
    email: { type: DataTypes.STRING(254), allowNull: true },
    subscriber: { type: DataTypes.STRING(270), allowNull: false },
    kind: { type: DataTypes.STRING(16), allowNull: false },
    post_id: { type: DataTypes.INTEGER, allowNull: true, ...references('posts', 'CASCADE') },
    scope: { type: DataTypes.STRING(24), allowNull: false, defaultValue: '-' },
    confirmed_at: { type: DataTypes.DATE, allowNull: true },
    unsubscribed_at: { type: DataTypes.DATE, allowNull: true },
    secret: { type: DataTypes.STRING(32), allowNull: false },
    digest_due_at: { type: DataTypes.DATE, allowNull: true },
    created_at: { type: DataTypes.DATE, allowNull: false },
    updated_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex('subscriptions', ['subscriber', 'kind', 'scope'], { unique: true });
  // A post's subscribers, a user's subscriptions, the newsletter's recipients in id order.
  await qi.addIndex('subscriptions', ['post_id']);
  await qi.addIndex('subscriptions', ['user_id']);
  await qi.addIndex('subscriptions', ['kind', 'id']);

  await qi.createTable('notification_events', {
    id,
    subscription_id: { type: DataTypes.INTEGER, allowNull: false, ...references('subscriptions', 'CASCADE') },
    comment_id: { type: DataTypes.INTEGER, allowNull: false, ...references('comments', 'CASCADE') },
    created_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex('notification_events', ['subscription_id', 'comment_id'], { unique: true });
  await qi.addIndex('notification_events', ['comment_id']);

  await qi.createTable('newsletter_sends', {
    id,
    post_id: { type: DataTypes.INTEGER, allowNull: true, ...references('posts', 'SET NULL') },
    title: { type: DataTypes.STRING(200), allowNull: false },
    recipients: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    // Recipients are the confirmed subscriptions up to this id (those at publishing time).
    last_subscription_id: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    // The fan-out's progress: the last subscription mailed, and when the next mail may go.
    cursor: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    next_mail_at: { type: DataTypes.DATE, allowNull: true },
    finished_at: { type: DataTypes.DATE, allowNull: true },
    created_at: { type: DataTypes.DATE, allowNull: false },
    updated_at: { type: DataTypes.DATE, allowNull: false },
  });
  // A post is sent once, whatever races publish it.
  await qi.addIndex('newsletter_sends', ['post_id'], { unique: true });

  await qi.createTable('newsletter_deliveries', {
    id,
    send_id: { type: DataTypes.INTEGER, allowNull: false, ...references('newsletter_sends', 'CASCADE') },
    subscription_id: { type: DataTypes.INTEGER, allowNull: true, ...references('subscriptions', 'SET NULL') },
    // The mail job (jobs are never deleted; its status is the delivery's state).
    job_id: { type: DataTypes.INTEGER, allowNull: false },
    created_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex('newsletter_deliveries', ['send_id']);
  await qi.addIndex('newsletter_deliveries', ['subscription_id']);
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('newsletter_deliveries');
  await qi.dropTable('newsletter_sends');
  await qi.dropTable('notification_events');
  await qi.dropTable('subscriptions');
}
