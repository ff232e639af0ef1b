import {
  type CreationOptional,
  DataTypes,
  type InferAttributes,
  type InferCreationAttributes,
  Model,
  type ModelAttributes,
} from 'sequelize';

export const BUILD_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type BuildStatus = (typeof BUILD_STATUSES)[number];

/** One site build (fast-path render or full rebuild), recorded for the admin app. */
export class BuildEvent extends Model<InferAttributes<BuildEvent>, InferCreationAttributes<BuildEvent>> {
  declare id: CreationOptional<number>;
  declare reason: string;
  declare postId: number | null;
  declare status: CreationOptional<BuildStatus>;
  declare startedAt: Date | null;
  declare finishedAt: Date | null;
  declare durationMs: number | null;
  declare pages: number | null;
  declare error: string | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export const buildEventAttributes: ModelAttributes<BuildEvent, InferAttributes<BuildEvent>> = {
  id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
  reason: { type: DataTypes.STRING(200), allowNull: false },
  postId: { type: DataTypes.INTEGER, allowNull: true },
  status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'queued' },
  startedAt: { type: DataTypes.DATE, allowNull: true },
  finishedAt: { type: DataTypes.DATE, allowNull: true },
  durationMs: { type: DataTypes.INTEGER, allowNull: true },
  pages: { type: DataTypes.INTEGER, allowNull: true },
  error: { type: DataTypes.TEXT, allowNull: true },
  createdAt: DataTypes.DATE,
  updatedAt: DataTypes.DATE,
};

export const JOB_STATUSES = ['pending', 'running', 'done', 'dead'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** The durable outbox: background work written in the same transaction as the change. */
export class Job extends Model<InferAttributes<Job>, InferCreationAttributes<Job>> {
  declare id: CreationOptional<number>;
  declare kind: string;
  /** JSON text. */
  declare payload: string;
  declare status: CreationOptional<JobStatus>;
  declare attempts: CreationOptional<number>;
  declare runAt: Date;
  declare lastError: CreationOptional<string | null>;
  /** While `running`: the claiming worker's lease ends then unless renewed. */
  declare lockedUntil: CreationOptional<Date | null>;
  /** The worker holding the lease. */
  declare lockedBy: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export const jobAttributes: ModelAttributes<Job, InferAttributes<Job>> = {
  id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
  kind: { type: DataTypes.STRING(32), allowNull: false },
  payload: { type: DataTypes.TEXT, allowNull: false },
  status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'pending' },
  attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  runAt: { type: DataTypes.DATE, allowNull: false },
  lastError: { type: DataTypes.TEXT, allowNull: true, defaultValue: null },
  lockedUntil: { type: DataTypes.DATE, allowNull: true, defaultValue: null },
  lockedBy: { type: DataTypes.STRING(64), allowNull: true, defaultValue: null },
  createdAt: DataTypes.DATE,
  updatedAt: DataTypes.DATE,
};

/** Who did what to which record: every admin action. */
export class AuditLog extends Model<InferAttributes<AuditLog>, InferCreationAttributes<AuditLog>> {
  declare id: CreationOptional<number>;
  declare actorId: number | null;
  declare action: string;
  declare targetType: string;
  declare targetId: string | null;
  /** JSON text. */
  declare details: CreationOptional<string>;
  declare createdAt: CreationOptional<Date>;
}

export const auditLogAttributes: ModelAttributes<AuditLog, InferAttributes<AuditLog>> = {
  id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
  actorId: { type: DataTypes.INTEGER, allowNull: true },
  action: { type: DataTypes.STRING(64), allowNull: false },
  targetType: { type: DataTypes.STRING(32), allowNull: false },
  targetId: { type: DataTypes.STRING(64), allowNull: true },
  details: { type: DataTypes.TEXT, allowNull: false, defaultValue: '{}' },
  createdAt: DataTypes.DATE,
};
