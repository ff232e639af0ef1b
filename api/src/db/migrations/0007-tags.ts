import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Tags (DESIGN §2, issue 14): `tags` (name as first written, `name_key` its case-insensitive key,
 * unique, so "Rust" and "rust" are one tag; slug unique; posts_count = published posts carrying
 * it, kept by the count hooks) and `post_tags` (one row per pair, the pair the primary key, gone
 * with its post or its tag).
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('tags', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false },
    name: { type: DataTypes.STRING(60), allowNull: false },
    name_key: { type: DataTypes.STRING(60), allowNull: false, unique: true },
    slug: { type: DataTypes.STRING(100), allowNull: false, unique: true },
    posts_count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    created_at: { type: DataTypes.DATE, allowNull: false },
    updated_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.createTable('post_tags', {
    post_id: {
      type: DataTypes.INTEGER,
      allowNull: false,
      primaryKey: true,
      references: { model: 'posts', key: 'id' },
      onDelete: 'CASCADE',
      onUpdate: 'CASCADE',
    },
    tag_id: {
      type: DataTypes.INTEGER,
      allowNull: false,
      primaryKey: true,
      references: { model: 'tags', key: 'id' },
      onDelete: 'CASCADE',
      onUpdate: 'CASCADE',
    },
    created_at: { type: DataTypes.DATE, allowNull: false },
  });
  // A tag's posts (tag pages, merges, the recount); the primary key serves a post's tags.
  await qi.addIndex('post_tags', ['tag_id', 'post_id']);
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.dropTable('post_tags');
  await qi.dropTable('tags');
}
