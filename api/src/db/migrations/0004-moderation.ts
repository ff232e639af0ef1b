import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Moderation and spam defence (DESIGN §2–§3, turn 2): a post's own moderation mode and whether
 * its comments are closed; a comment's reason for waiting (or being rejected) and a keyed hash
 * of the address it came from (for "delete everything from this address", never the address
 * itself); bans by address or prefix and by email domain; the log of every decision; and the
 * site's run-time settings (the forbidden words).
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('posts', 'comment_moderation', { type: DataTypes.STRING(8), allowNull: true });
  await qi.addColumn('posts', 'comments_closed', { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false });
  await qi.addColumn('comments', 'moderation_reason', { type: DataTypes.STRING(200), allowNull: true });
  await qi.addColumn('comments', 'ip_hash', { type: DataTypes.STRING(64), allowNull: true });
  // The queue (pending, oldest first), and a user's earlier comments (duplicates, "first").
  await qi.addIndex('comments', ['status', 'id']);
  await qi.addIndex('comments', ['ip_hash']);
  await qi.createTable('bans', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    kind: { type: DataTypes.STRING(16), allowNull: false },
    value: { type: DataTypes.STRING(253), allowNull: false },
    reason: { type: DataTypes.STRING(500), allowNull: false, defaultValue: '' },
    created_by: {
      type: DataTypes.INTEGER,
      allowNull: true,
      references: { model: 'users', key: 'id' },
      onDelete: 'SET NULL',
    },
    expires_at: { type: DataTypes.DATE, allowNull: true },
    created_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex('bans', ['kind', 'value'], { unique: true });
  await qi.createTable('moderation_events', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    decision: { type: DataTypes.STRING(16), allowNull: false },
    reason: { type: DataTypes.STRING(64), allowNull: false },
    detail: { type: DataTypes.STRING(500), allowNull: false, defaultValue: '' },
    user_id: {
      type: DataTypes.INTEGER,
      allowNull: true,
      references: { model: 'users', key: 'id' },
      onDelete: 'SET NULL',
    },
    actor_id: {
      type: DataTypes.INTEGER,
      allowNull: true,
      references: { model: 'users', key: 'id' },
      onDelete: 'SET NULL',
    },
    // No foreign keys: the log outlives the posts and comments it names.
    post_id: { type: DataTypes.INTEGER, allowNull: true },
    comment_id: { type: DataTypes.INTEGER, allowNull: true },
    created_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex('moderation_events', ['created_at']);
  await qi.addIndex('moderation_events', ['user_id']);
  await qi.createTable('site_settings', {
    key: { type: DataTypes.STRING(64), primaryKey: true },
    value: { type: DataTypes.TEXT, allowNull: false },
    updated_at: { type: DataTypes.DATE, allowNull: false },
  });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('site_settings');
  await qi.dropTable('moderation_events');
  await qi.dropTable('bans');
  await qi.removeIndex('comments', ['ip_hash']);
  await qi.removeIndex('comments', ['status', 'id']);
  await qi.removeColumn('comments', 'ip_hash');
  await qi.removeColumn('comments', 'moderation_reason');
  await qi.removeColumn('posts', 'comments_closed');
  await qi.removeColumn('posts', 'comment_moderation');
}
