import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Images (issue 14): one `media` row per upload, its variants (widths × formats) as files under
 * MEDIA_DIR/<key>/, listed in `variants` (JSON); a post's `cover_media_id`. A post using an image
 * (as cover or in its body) keeps it: the service refuses the delete, and the foreign key too.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('media', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false },
    key: { type: DataTypes.STRING(32), allowNull: false, unique: true },
    owner_id: {
      type: DataTypes.INTEGER,
      allowNull: true,
      references: { model: 'users', key: 'id' },
      onDelete: 'SET NULL',
      onUpdate: 'CASCADE',
    },
    original_name: { type: DataTypes.STRING(200), allowNull: false, defaultValue: '' },
    mime_type: { type: DataTypes.STRING(16), allowNull: false },
    width: { type: DataTypes.INTEGER, allowNull: false },
    height: { type: DataTypes.INTEGER, allowNull: false },
    bytes: { type: DataTypes.INTEGER, allowNull: false },
    alt: { type: DataTypes.STRING(300), allowNull: false, defaultValue: '' },
    variants: { type: DataTypes.TEXT, allowNull: false },
    created_at: { type: DataTypes.DATE, allowNull: false },
    updated_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex('media', ['owner_id']);
  await qi.addColumn('posts', 'cover_media_id', {
    type: DataTypes.INTEGER,
    allowNull: true,
    references: { model: 'media', key: 'id' },
    onDelete: 'RESTRICT',
    onUpdate: 'CASCADE',
  });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeColumn('posts', 'cover_media_id');
  await qi.dropTable('media');
}
