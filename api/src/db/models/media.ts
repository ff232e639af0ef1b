import {
  type CreationOptional,
  DataTypes,
  type InferAttributes,
  type InferCreationAttributes,
  Model,
  type ModelAttributes,
  type NonAttribute,
} from 'sequelize';
import type { User } from './user.js';

/** One uploaded image; its files are MEDIA_DIR/<key>/<width>.<ext> (features/media). */
export class Media extends Model<InferAttributes<Media>, InferCreationAttributes<Media>> {
  declare id: CreationOptional<number>;
  /** Random, unguessable: the folder of its files and their URLs (/media/<key>/…). */
  declare key: string;
  declare ownerId: number | null;
  declare originalName: string;
  declare mimeType: string;
  declare width: number;
  declare height: number;
  declare bytes: number;
  declare alt: CreationOptional<string>;
  /** JSON: [{ file, format, width, height, bytes }] */
  declare variants: string;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  declare owner?: NonAttribute<User | null>;
}

export const mediaAttributes: ModelAttributes<Media, InferAttributes<Media>> = {
  id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
  key: { type: DataTypes.STRING(32), allowNull: false, unique: true },
  ownerId: { type: DataTypes.INTEGER, allowNull: true },
  originalName: { type: DataTypes.STRING(200), allowNull: false, defaultValue: '' },
  mimeType: { type: DataTypes.STRING(16), allowNull: false },
  width: { type: DataTypes.INTEGER, allowNull: false },
  height: { type: DataTypes.INTEGER, allowNull: false },
  bytes: { type: DataTypes.INTEGER, allowNull: false },
  alt: { type: DataTypes.STRING(300), allowNull: false, defaultValue: '' },
  variants: { type: DataTypes.TEXT, allowNull: false },
  createdAt: DataTypes.DATE,
  updatedAt: DataTypes.DATE,
};
