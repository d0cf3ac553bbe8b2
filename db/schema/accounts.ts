import { sql } from 'drizzle-orm';
import { boolean, customType, index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

import { locales, organisationTypes, roles } from './values.ts';

export * from './values.ts';

export const organisationTypeEnum = pgEnum('organisation_type', organisationTypes);
export const roleEnum = pgEnum('user_role', roles);
export const userStatusEnum = pgEnum('user_status', ['active', 'suspended']);
export const localeEnum = pgEnum('locale', locales);

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
	dataType: () => 'bytea',
	// postgres.js returns a Buffer, PGlite a Uint8Array: both are Uint8Array.
	fromDriver: (value) => new Uint8Array(value)
});

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const organisations = pgTable(
	'organisations',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		name: text('name').notNull(),
		type: organisationTypeEnum('type').notNull(),
		/** ISO 3166-1 alpha-2 code. */
		country: text('country').notNull(),
		isDemo: boolean('is_demo').notNull().default(false),
		createdAt: createdAt()
	},
	(t) => [uniqueIndex('organisations_name_country_key').on(sql`lower(${t.name})`, t.country)]
);

export const users = pgTable(
	'users',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		/** Stored lower-cased and trimmed; uniqueness is on this value. */
		email: text('email').notNull(),
		displayName: text('display_name').notNull(),
		/** `@handle` for mentions and profile links: lower-case letters, digits and hyphens. */
		handle: text('handle').notNull(),
		passwordHash: text('password_hash').notNull(),
		role: roleEnum('role').notNull().default('member'),
		status: userStatusEnum('status').notNull().default('active'),
		locale: localeEnum('locale').notNull().default('fr'),
		organisationId: uuid('organisation_id')
			.notNull()
			.references(() => organisations.id),
		country: text('country').notNull(),
		/** IANA zone for showing times (events); null = the zone of the member's country. */
		timeZone: text('time_zone'),
		bio: text('bio').notNull().default(''),
		/** While `status` is 'suspended': until when (null = indefinitely) and why, shown at login. */
		suspendedUntil: timestamp('suspended_until', { withTimezone: true }),
		suspensionReason: text('suspension_reason'),
		isDemo: boolean('is_demo').notNull().default(false),
		createdAt: createdAt(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('users_email_key').on(t.email),
		uniqueIndex('users_handle_key').on(t.handle),
		index('users_organisation_idx').on(t.organisationId)
	]
);

/**
 * Sessions the Lucia way: the cookie carries `<id>.<secret>`; only SHA-256(secret) is kept,
 * so a leaked table cannot be replayed as cookies.
 */
export const sessions = pgTable(
	'sessions',
	{
		id: text('id').primaryKey(),
		secretHash: bytea('secret_hash').notNull(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		createdAt: createdAt(),
		lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
		/** Absolute end of life, whatever the activity. */
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		userAgent: text('user_agent').notNull().default('')
	},
	(t) => [index('sessions_user_idx').on(t.userId)]
);
