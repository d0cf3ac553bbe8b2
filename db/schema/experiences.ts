import { sql } from 'drizzle-orm';
import {
	bigint,
	boolean,
	customType,
	index,
	integer,
	jsonb,
	pgEnum,
	pgTable,
	primaryKey,
	text,
	timestamp,
	uuid
} from 'drizzle-orm/pg-core';
import { users } from './accounts.ts';
import { spaces, threads } from './discussions.ts';
import { experienceStatuses } from './values.ts';

export const experienceStatusEnum = pgEnum('experience_status', experienceStatuses);

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
const timestamptz = (name: string) => timestamp(name, { withTimezone: true });

/**
 * A fiche d'expérience. `draft` is the working copy its authors edit (the whole content as
 * JSON, validated by `experienceContent` in server/modules/experiences/experiences.schema.ts);
 * `published` is the latest published version, which readers see, with its facets copied
 * into columns so that the browse page filters and counts with indexes. A published fiche
 * being revised keeps `published` while its authors work on `draft`.
 */
export const experiences = pgTable(
	'experiences',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		/** The space it belongs to; its discussion thread lives there. */
		spaceId: uuid('space_id')
			.notNull()
			.references(() => spaces.id),
		status: experienceStatusEnum('status').notNull().default('draft'),
		draft: jsonb('draft').notNull(),
		/** The moderator's comments when returned to the authors. */
		returnComment: text('return_comment'),
		createdBy: uuid('created_by')
			.notNull()
			.references(() => users.id),
		createdAt: timestamptz('created_at').notNull().defaultNow(),
		updatedAt: timestamptz('updated_at').notNull().defaultNow(),
		submittedAt: timestamptz('submitted_at'),
		/** Latest published version (null: never published). */
		published: jsonb('published'),
		publishedVersion: integer('published_version').notNull().default(0),
		publishedAt: timestamptz('published_at'),
		firstPublishedAt: timestamptz('first_published_at'),
		/** Its discussion thread, opened at first publication. */
		threadId: uuid('thread_id').references(() => threads.id),
		/* Facets of the published version (null while never published). */
		title: text('title'),
		summary: text('summary'),
		countries: text('countries')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		mechanism: text('mechanism'),
		targets: text('targets')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		area: text('area'),
		startYear: integer('start_year'),
		/** null: ongoing. */
		endYear: integer('end_year'),
		hasResults: boolean('has_results').notNull().default(false),
		members: bigint('members', { mode: 'number' }),
		search: tsvector('search'),
		isDemo: boolean('is_demo').notNull().default(false)
	},
	(t) => [
		index('experiences_published_idx')
			.on(t.publishedAt.desc(), t.id.desc())
			.where(sql`published is not null`),
		index('experiences_countries_idx').using('gin', t.countries),
		index('experiences_targets_idx').using('gin', t.targets),
		index('experiences_mechanism_idx').on(t.mechanism),
		index('experiences_search_idx').using('gin', t.search),
		index('experiences_status_idx').on(t.status, t.submittedAt)
	]
);

/** Authors and co-authors: they edit the draft and submit it. */
export const experienceAuthors = pgTable(
	'experience_authors',
	{
		experienceId: uuid('experience_id')
			.notNull()
			.references(() => experiences.id, { onDelete: 'cascade' }),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		addedBy: uuid('added_by').references(() => users.id),
		createdAt: timestamptz('created_at').notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.experienceId, t.userId] }), index('experience_authors_user_idx').on(t.userId)]
);

/** Every published version, kept whole: the history shows what changed and who approved it. */
export const experienceVersions = pgTable(
	'experience_versions',
	{
		experienceId: uuid('experience_id')
			.notNull()
			.references(() => experiences.id, { onDelete: 'cascade' }),
		number: integer('number').notNull(),
		content: jsonb('content').notNull(),
		submittedBy: uuid('submitted_by').references(() => users.id),
		approvedBy: uuid('approved_by').references(() => users.id),
		publishedAt: timestamptz('published_at').notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.experienceId, t.number] })]
);

/**
 * The columns of a file kept behind the storage interface (`storageKey` is the backend's
 * name for the bytes): fiche attachments and event documents alike. A function, so that
 * each table gets its own column builders.
 */
export function storedFileColumns() {
	return {
		storageKey: text('storage_key').notNull(),
		/** The name the uploader gave, cleaned; sent back in Content-Disposition, safely encoded. */
		filename: text('filename').notNull(),
		/** Detected from the bytes, never taken from the client. */
		mimeType: text('mime_type').notNull(),
		size: integer('size').notNull(),
		sha256: text('sha256').notNull(),
		uploadedBy: uuid('uploaded_by').references(() => users.id),
		createdAt: timestamptz('created_at').notNull().defaultNow()
	};
}

/**
 * Files attached to a fiche, stored behind one storage interface (a folder under DATA_DIR
 * by default; `storageKey` is the backend's name for the bytes). Served only to those who
 * may read the fiche.
 */
export const experienceAttachments = pgTable(
	'experience_attachments',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		experienceId: uuid('experience_id')
			.notNull()
			.references(() => experiences.id, { onDelete: 'cascade' }),
		...storedFileColumns()
	},
	(t) => [index('experience_attachments_experience_idx').on(t.experienceId)]
);
