import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Scheduling, conflicts and revisions (issue 14, items 4–5).
 *
 * - `posts.publish_at`: when a `scheduled` post is to be published (null otherwise). The outbox
 *   job that publishes it carries the same time; a job whose time no longer matches the row
 *   (rescheduled, cancelled, published by hand) does nothing. The jobs table already has
 *   `run_at`, so a job due in the future needs nothing new.
 * - `posts.version`: +1 with every saved change; an edit made on an older version is refused
 *   (409 version_conflict) instead of overwriting.
 * - `post_revisions`: the last 20 saved versions of a post's title, subtitle and body, with who
 *   saved each (kept when the account goes: `user_id` becomes null).
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('posts', 'publish_at', { type: DataTypes.DATE, allowNull: true, defaultValue: null });
  await qi.addColumn('posts', 'version', { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 });
  await qi.createTable('post_revisions', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false },
    post_id: {
      type: DataTypes.INTEGER,
      allowNull: false,
      references: { model: 'posts', key: 'id' },
      onDelete: 'CASCADE',
      onUpdate: 'CASCADE',
    },
    version: { type: DataTypes.INTEGER, allowNull: false },
    title: { type: DataTypes.STRING(200), allowNull: false },
    subtitle: { type: DataTypes.STRING(300), allowNull: false, defaultValue: '' },
    body_markdown: { type: DataTypes.TEXT, allowNull: false },
    user_id: {
      type: DataTypes.INTEGER,
      allowNull: true,
      references: { model: 'users', key: 'id' },
      onDelete: 'SET NULL',
      onUpdate: 'CASCADE',
    },
    created_at: { type: DataTypes.DATE, allowNull: false },
  });
  // One revision per saved version; a post's history newest first.
  await qi.addIndex('post_revisions', ['post_id', 'version'], { unique: true });
  await qi.addIndex('post_revisions', ['user_id']);
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('post_revisions');
  await qi.removeColumn('posts', 'version');
  await qi.removeColumn('posts', 'publish_at');
}
