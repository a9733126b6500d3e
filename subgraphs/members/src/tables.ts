import { boolean, pgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Drizzle's view of the tables that migrations/ creates; the SQL files are the source of truth. */
export const schema = pgSchema('members');

export const associations = schema.table('associations', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  timeZone: text('time_zone').notNull(),
  locale: text('locale', { enum: ['nb', 'en'] }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const accounts = schema.table('accounts', {
  id: uuid('id').primaryKey(),
  email: text('email').notNull(),
  passwordHash: text('password_hash').notNull(),
  platformAdmin: boolean('platform_admin').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const units = schema.table('units', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  building: text('building').notNull(),
  number: text('number').notNull(),
});

export const members = schema.table('members', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  accountId: uuid('account_id').notNull(),
  displayName: text('display_name').notNull(),
  email: text('email'),
  role: text('role', { enum: ['resident', 'board', 'external'] }).notNull(),
  unitId: uuid('unit_id'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const refreshTokens = schema.table('refresh_tokens', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  familyId: uuid('family_id').notNull(),
  accountId: uuid('account_id').notNull(),
  memberId: uuid('member_id').notNull(),
  tokenHash: text('token_hash').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
