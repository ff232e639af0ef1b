import { DataTypes, type QueryInterface } from 'sequelize';

const id = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false };
const timestamps = {
  created_at: { type: DataTypes.DATE, allowNull: false },
  updated_at: { type: DataTypes.DATE, allowNull: false },
};
const references = (table: string, onDelete: 'CASCADE' | 'SET NULL' | 'RESTRICT') => ({
  references: { model: table, key: 'id' },
  onDelete,
  onUpdate: 'CASCADE',
});

/** The whole data model of DESIGN §2. */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.createTable('users', {
    id,
    email: { type: DataTypes.STRING(254), allowNull: false, unique: true },
    name: { type: DataTypes.STRING(80), allowNull: false },
    password_hash: { type: DataTypes.STRING(255), allowNull: true },
    role: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'user' },
    email_verified_at: { type: DataTypes.DATE, allowNull: true },
    banned_at: { type: DataTypes.DATE, allowNull: true },
    posts_count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    comments_count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    ...timestamps,
  });

  await qi.createTable('identities', {
    id,
    user_id: { type: DataTypes.INTEGER, allowNull: false, ...references('users', 'CASCADE') },
    provider: { type: DataTypes.STRING(40), allowNull: false },
    subject: { type: DataTypes.STRING(255), allowNull: false },
    created_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex('identities', ['provider', 'subject'], { unique: true });
  await qi.addIndex('identities', ['user_id']);

  await qi.createTable('sessions', {
    id: { type: DataTypes.STRING(64), primaryKey: true, allowNull: false },
    user_id: { type: DataTypes.INTEGER, allowNull: false, ...references('users', 'CASCADE') },
    expires_at: { type: DataTypes.DATE, allowNull: false },
    user_agent: { type: DataTypes.STRING(300), allowNull: false, defaultValue: '' },
    ip: { type: DataTypes.STRING(64), allowNull: false, defaultValue: '' },
    created_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex('sessions', ['user_id']);

  await qi.createTable('otp_codes', {
    id,
    user_id: { type: DataTypes.INTEGER, allowNull: false, ...references('users', 'CASCADE') },
    purpose: { type: DataTypes.STRING(32), allowNull: false },
    code_hash: { type: DataTypes.STRING(128), allowNull: false },
    expires_at: { type: DataTypes.DATE, allowNull: false },
    attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    sent_at: { type: DataTypes.DATE, allowNull: false },
    created_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex('otp_codes', ['user_id', 'purpose']);

  await qi.createTable('categories', {
    id,
    name: { type: DataTypes.STRING(80), allowNull: false },
    slug: { type: DataTypes.STRING(100), allowNull: false, unique: true },
    description: { type: DataTypes.TEXT, allowNull: false, defaultValue: '' },
    posts_count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    ...timestamps,
  });

  await qi.createTable('posts', {
    id,
    // RESTRICT: an author who still owns posts cannot be deleted (409 until reassigned).
    author_id: { type: DataTypes.INTEGER, allowNull: false, ...references('users', 'RESTRICT') },
    category_id: { type: DataTypes.INTEGER, allowNull: true, ...references('categories', 'SET NULL') },
    title: { type: DataTypes.STRING(200), allowNull: false },
    subtitle: { type: DataTypes.STRING(300), allowNull: false, defaultValue: '' },
    slug: { type: DataTypes.STRING(220), allowNull: false, unique: true },
    body_markdown: { type: DataTypes.TEXT, allowNull: false },
    body_html: { type: DataTypes.TEXT, allowNull: false, defaultValue: '' },
    excerpt: { type: DataTypes.STRING(400), allowNull: false, defaultValue: '' },
    status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'draft' },
    published_at: { type: DataTypes.DATE, allowNull: true },
    comments_count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    ...timestamps,
  });
  await qi.addIndex('posts', ['status', 'published_at']);
  await qi.addIndex('posts', ['category_id', 'status', 'published_at']);
  await qi.addIndex('posts', ['author_id']);

  await qi.createTable('comments', {
    id,
    post_id: { type: DataTypes.INTEGER, allowNull: false, ...references('posts', 'CASCADE') },
    author_id: { type: DataTypes.INTEGER, allowNull: false, ...references('users', 'CASCADE') },
    parent_id: { type: DataTypes.INTEGER, allowNull: true, ...references('comments', 'CASCADE') },
    body_markdown: { type: DataTypes.TEXT, allowNull: false },
    body_html: { type: DataTypes.TEXT, allowNull: false, defaultValue: '' },
    status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'visible' },
    edited_at: { type: DataTypes.DATE, allowNull: true },
    ...timestamps,
  });
  await qi.addIndex('comments', ['post_id', 'parent_id', 'id']);
  await qi.addIndex('comments', ['parent_id']);
  await qi.addIndex('comments', ['author_id']);

  await qi.createTable('build_events', {
    id,
    reason: { type: DataTypes.STRING(200), allowNull: false },
    post_id: { type: DataTypes.INTEGER, allowNull: true },
    status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'queued' },
    started_at: { type: DataTypes.DATE, allowNull: true },
    finished_at: { type: DataTypes.DATE, allowNull: true },
    duration_ms: { type: DataTypes.INTEGER, allowNull: true },
    pages: { type: DataTypes.INTEGER, allowNull: true },
    error: { type: DataTypes.TEXT, allowNull: true },
    ...timestamps,
  });
  await qi.addIndex('build_events', ['created_at']);

  await qi.createTable('jobs', {
    id,
    kind: { type: DataTypes.STRING(32), allowNull: false },
    payload: { type: DataTypes.TEXT, allowNull: false },
    status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'pending' },
    attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    run_at: { type: DataTypes.DATE, allowNull: false },
    last_error: { type: DataTypes.TEXT, allowNull: true },
    ...timestamps,
  });
  await qi.addIndex('jobs', ['status', 'run_at']);

  await qi.createTable('audit_logs', {
    id,
    actor_id: { type: DataTypes.INTEGER, allowNull: true, ...references('users', 'SET NULL') },
    action: { type: DataTypes.STRING(64), allowNull: false },
    target_type: { type: DataTypes.STRING(32), allowNull: false },
    target_id: { type: DataTypes.STRING(64), allowNull: true },
    details: { type: DataTypes.TEXT, allowNull: false, defaultValue: '{}' },
    created_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex('audit_logs', ['created_at']);

  await qi.createTable('rate_limits', {
    key: { type: DataTypes.STRING(200), primaryKey: true, allowNull: false },
    window_start: { type: DataTypes.DATE, allowNull: false },
    count: { type: DataTypes.INTEGER, allowNull: false },
  });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  for (const table of [
    'rate_limits',
    'audit_logs',
    'jobs',
    'build_events',
    'comments',
    'posts',
    'categories',
    'otp_codes',
    'sessions',
    'identities',
    'users',
  ]) {
    await qi.dropTable(table);
  }
}
