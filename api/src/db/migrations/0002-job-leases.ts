import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Outbox leases (DESIGN §1b): a claimed job belongs to one worker until `locked_until`, which
 * the worker renews while the job runs; any worker may reclaim an expired lease.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('jobs', 'locked_until', { type: DataTypes.DATE, allowNull: true });
  await qi.addColumn('jobs', 'locked_by', { type: DataTypes.STRING(64), allowNull: true });
  await qi.addIndex('jobs', ['status', 'locked_until']);
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeIndex('jobs', ['status', 'locked_until']);
  await qi.removeColumn('jobs', 'locked_by');
  await qi.removeColumn('jobs', 'locked_until');
}
