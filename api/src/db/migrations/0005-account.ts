import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * Account self-service (issue 13): `otp_codes.target` holds the new address of an email change
 * until its code is confirmed (the account's email changes only then), and
 * `sessions.last_seen_at` says when a session was last used (written at most once an hour per
 * session, see auth/sessions.ts), for the list of signed-in devices.
 */
export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.addColumn('otp_codes', 'target', { type: DataTypes.STRING(254), allowNull: true });
  await qi.addColumn('sessions', 'last_seen_at', { type: DataTypes.DATE, allowNull: true });
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.removeColumn('sessions', 'last_seen_at');
  await qi.removeColumn('otp_codes', 'target');
}
