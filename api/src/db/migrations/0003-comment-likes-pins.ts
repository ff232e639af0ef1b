import { DataTypes, type QueryInterface } from 'sequelize';

const references = (table: string) => ({
  references: { model: table, key: 'id' },
  onDelete: 'CASCADE',
  onUpdate: 'CASCADE',
});

/**
 * Likes and pins (DESIGN §2, turn 2): `comments.likes_count` kept by the count hooks
 * (db/counts.ts), `comments.pinned_at` for the threads shown first, and one `comment_likes`
 * row per reader and comment (the composite key makes a second like of the same comment
 * impossible; both foreign keys cascade, the hooks take a deleted user's likes off the counts
 * first).
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('comments', 'likes_count', { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 });
  await qi.addColumn('comments', 'pinned_at', { type: DataTypes.DATE, allowNull: true });
  await qi.createTable('comment_likes', {
    comment_id: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true, ...references('comments') },
    user_id: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true, ...references('users') },
    created_at: { type: DataTypes.DATE, allowNull: false },
  });
  // "What does this viewer like", and a deleted user's likes.
  await qi.addIndex('comment_likes', ['user_id']);
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('comment_likes');
  await qi.removeColumn('comments', 'pinned_at');
  await qi.removeColumn('comments', 'likes_count');
}
