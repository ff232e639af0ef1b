/**
 * Reading plain rows (lean `SELECT`s without model instances): a date column comes back as a Date
 * from PostgreSQL and as the text Sequelize stored from SQLite ("2026-12-02 05:20:38.123 +00:00").
 */
export const dateOf = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));

/** `dateOf` of a nullable date column. */
export const dateOrNull = (value: Date | string | null): Date | null => (value === null ? null : dateOf(value));
