import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Database, Transaction } from '../../../db/client.ts';
import {
	auditLog,
	experienceAttachments,
	experienceAuthors,
	experiences,
	experienceVersions,
	spaceMembers,
	spaces,
	users
} from '../../../db/schema/index.ts';
import type { ExperienceStatus } from '../../../db/schema/values.ts';
import type { ExperienceContent, facetsOf } from './content.ts';

type Executor = Database | Transaction;

const NOBODY = '00000000-0000-0000-0000-000000000000';

export type ExperienceRow = typeof experiences.$inferSelect;

/** What the browse page filters on; every list is "any of these". */
export interface ExperienceFilters {
	/** Spaces the caller may read (already narrowed by a space filter). Never empty. */
	spaceIds: string[];
	countries: string[];
	mechanisms: string[];
	targets: string[];
	areas: string[];
	/** Period overlapping [from, to] (years). */
	from?: number | undefined;
	to?: number | undefined;
	hasResults?: boolean | undefined;
	/** French full-text query (websearch syntax). */
	text?: string | undefined;
}

export type Facet = 'countries' | 'mechanism' | 'targets' | 'area' | 'hasResults';
export const FACETS: Facet[] = ['countries', 'mechanism', 'targets', 'area', 'hasResults'];

const textArray = (values: string[]) =>
	sql`array[${sql.join(
		values.map((v) => sql`${v}::text`),
		sql`, `
	)}]::text[]`;
const tsQuery = (text: string) => sql`websearch_to_tsquery('french', palabre_unaccent(${text}::text))`;

/**
 * The filters as SQL conditions on `experiences`, leaving out one facet's own filter when
 * counting that facet (disjunctive faceting: the counts of a facet show what choosing
 * another of its values would give, with every other filter applied).
 */
function conditions(f: ExperienceFilters, except?: Facet): SQL {
	const c: SQL[] = [sql`${experiences.published} is not null`, inArray(experiences.spaceId, f.spaceIds) as SQL];
	if (f.text) c.push(sql`${experiences.search} @@ ${tsQuery(f.text)}`);
	if (f.to !== undefined) c.push(sql`${experiences.startYear} <= ${f.to}`);
	if (f.from !== undefined) c.push(sql`(${experiences.endYear} is null or ${experiences.endYear} >= ${f.from})`);
	// Arrays with `&&` (overlap): answered by the GIN indexes on countries and targets.
	if (except !== 'countries' && f.countries.length) c.push(sql`${experiences.countries} && ${textArray(f.countries)}`);
	if (except !== 'targets' && f.targets.length) c.push(sql`${experiences.targets} && ${textArray(f.targets)}`);
	if (except !== 'mechanism' && f.mechanisms.length) c.push(inArray(experiences.mechanism, f.mechanisms) as SQL);
	if (except !== 'area' && f.areas.length) c.push(inArray(experiences.area, f.areas) as SQL);
	if (except !== 'hasResults' && f.hasResults !== undefined) c.push(eq(experiences.hasResults, f.hasResults) as SQL);
	return sql.join(c, sql` and `);
}

/**
 * What full-text search reads of a fiche, as SQL over its content as JSON (the `published`
 * column, or a content passed as a parameter): the title (weight A), the summary (B), and
 * the rest (C): organisations, lessons learned, results, difficulties, benefits. One
 * definition for the stored vector (publication, the benchmark's generator) and for the
 * snippets of the site search.
 */
export function experienceSearchText(json: SQL) {
	const field = (name: keyof ExperienceContent) => sql`coalesce(${json} ->> ${sql.raw(`'${name}'`)}, '')`;
	const organisations = sql`coalesce((select string_agg(o.name, ' ' order by o.n) from jsonb_array_elements_text(${json} -> 'organisations') with ordinality as o(name, n)), '')`;
	const rest = sql`concat_ws(chr(10), ${organisations}, ${field('lessons')}, ${field('results')}, ${field('difficulties')}, ${field('benefits')})`;
	return { title: field('title'), summary: field('summary'), rest };
}

/** The weighted vector of `experienceSearchText`: French stemming on unaccented text, like the threads' search. */
export function experienceSearchVector(json: SQL): SQL {
	const t = experienceSearchText(json);
	const vector = (text: SQL, weight: 'A' | 'B' | 'C') =>
		sql`setweight(to_tsvector('french', palabre_unaccent(${text})), ${sql.raw(`'${weight}'`)})`;
	return sql`${vector(t.title, 'A')} || ${vector(t.summary, 'B')} || ${vector(t.rest, 'C')}`;
}

/** The search vector of a content about to be stored (the JSON sent once, read through a subquery). */
export function searchVectorOf(c: ExperienceContent): SQL {
	return sql`(select ${experienceSearchVector(sql.raw('content.j'))} from (select ${JSON.stringify(c)}::jsonb as j) as content)`;
}

/**
 * A published version's JSON is its content plus, under this key, the files the fiche had
 * when it was published: files belong to the fiche (they are added and removed between
 * publications), so each version records which ones it came with. Versions published
 * before this was recorded have no such key.
 */
export const VERSION_FILES_KEY = 'attachmentsAtPublication';
export interface VersionFile {
	id: string;
	filename: string;
}

const listColumns = {
	id: experiences.id,
	title: experiences.title,
	summary: experiences.summary,
	countries: experiences.countries,
	mechanism: experiences.mechanism,
	targets: experiences.targets,
	area: experiences.area,
	startYear: experiences.startYear,
	endYear: experiences.endYear,
	hasResults: experiences.hasResults,
	publishedAt: experiences.publishedAt,
	/** The exact keyset value (microseconds), which a JS Date would round. */
	key: sql<string>`to_char(${experiences.publishedAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
	spaceSlug: spaces.slug,
	spaceName: spaces.name
};

export class ExperiencesRepository {
	constructor(private db: Database) {}

	/** Every space with the caller's membership: the access table decides which they may read. */
	spacesWithMembership(userId: string | null) {
		return this.db
			.select({
				id: spaces.id,
				slug: spaces.slug,
				name: spaces.name,
				visibility: spaces.visibility,
				archivedAt: spaces.archivedAt,
				memberRole: spaceMembers.role,
				memberStatus: spaceMembers.status
			})
			.from(spaces)
			.leftJoin(spaceMembers, and(eq(spaceMembers.spaceId, spaces.id), eq(spaceMembers.userId, userId ?? NOBODY)));
	}

	find(id: string, tx: Executor = this.db) {
		return tx
			.select()
			.from(experiences)
			.where(eq(experiences.id, id))
			.limit(1)
			.then((rows) => rows[0]);
	}

	/** Locks the row for a state change (publish, return, submit). */
	findForUpdate(tx: Transaction, id: string) {
		return tx
			.select()
			.from(experiences)
			.where(eq(experiences.id, id))
			.for('update')
			.then((rows) => rows[0]);
	}

	authors(experienceId: string) {
		return this.db
			.select({ id: users.id, displayName: users.displayName, handle: users.handle })
			.from(experienceAuthors)
			.innerJoin(users, eq(users.id, experienceAuthors.userId))
			.where(eq(experienceAuthors.experienceId, experienceId))
			.orderBy(asc(experienceAuthors.createdAt), asc(users.displayName));
	}

	authorsOf(experienceIds: string[]) {
		if (experienceIds.length === 0) return Promise.resolve([]);
		return this.db
			.select({ experienceId: experienceAuthors.experienceId, id: users.id, displayName: users.displayName })
			.from(experienceAuthors)
			.innerJoin(users, eq(users.id, experienceAuthors.userId))
			.where(inArray(experienceAuthors.experienceId, experienceIds))
			.orderBy(asc(experienceAuthors.createdAt));
	}

	attachments(experienceId: string) {
		return this.db
			.select({
				id: experienceAttachments.id,
				filename: experienceAttachments.filename,
				mimeType: experienceAttachments.mimeType,
				size: experienceAttachments.size
			})
			.from(experienceAttachments)
			.where(eq(experienceAttachments.experienceId, experienceId))
			.orderBy(asc(experienceAttachments.createdAt));
	}

	async insert(tx: Transaction, values: { spaceId: string; draft: ExperienceContent; createdBy: string }) {
		const [row] = await tx.insert(experiences).values(values).returning({ id: experiences.id });
		await tx.insert(experienceAuthors).values({ experienceId: row!.id, userId: values.createdBy, addedBy: values.createdBy });
		return row!.id;
	}

	async addAuthor(tx: Transaction, experienceId: string, userId: string, addedBy: string): Promise<boolean> {
		const rows = await tx
			.insert(experienceAuthors)
			.values({ experienceId, userId, addedBy })
			.onConflictDoNothing()
			.returning({ userId: experienceAuthors.userId });
		return rows.length > 0;
	}

	update(
		tx: Executor,
		id: string,
		values: Partial<Pick<ExperienceRow, 'draft' | 'status' | 'returnComment' | 'submittedAt' | 'threadId'>>
	) {
		return tx
			.update(experiences)
			.set({ ...values, updatedAt: new Date() })
			.where(eq(experiences.id, id));
	}

	/**
	 * Publishes `content` as version `version`: keeps the version whole (with the files the
	 * fiche had at that moment), copies the content and its facets onto the fiche, and rebuilds
	 * its search vector.
	 */
	async publish(
		tx: Transaction,
		id: string,
		p: {
			content: ExperienceContent;
			facets: ReturnType<typeof facetsOf>;
			version: number;
			submittedBy: string | null;
			approvedBy: string;
			at: Date;
			first: boolean;
		}
	) {
		const files: VersionFile[] = await tx
			.select({ id: experienceAttachments.id, filename: experienceAttachments.filename })
			.from(experienceAttachments)
			.where(eq(experienceAttachments.experienceId, id))
			.orderBy(asc(experienceAttachments.createdAt), asc(experienceAttachments.id));
		await tx.insert(experienceVersions).values({
			experienceId: id,
			number: p.version,
			content: { ...p.content, [VERSION_FILES_KEY]: files },
			submittedBy: p.submittedBy,
			approvedBy: p.approvedBy,
			publishedAt: p.at
		});
		const c = p.content;
		await tx
			.update(experiences)
			.set({
				...p.facets,
				status: 'published',
				published: c,
				publishedVersion: p.version,
				publishedAt: p.at,
				...(p.first ? { firstPublishedAt: p.at } : {}),
				returnComment: null,
				updatedAt: p.at,
				search: searchVectorOf(c)
			})
			.where(eq(experiences.id, id));
	}

	/** Sets the discussion thread once (two publications at once keep the first). */
	setThread(id: string, threadId: string) {
		return this.db
			.update(experiences)
			.set({ threadId })
			.where(and(eq(experiences.id, id), sql`${experiences.threadId} is null`))
			.returning({ id: experiences.id })
			.then((rows) => rows.length > 0);
	}

	versions(experienceId: string) {
		const submitter = sql<string | null>`(select display_name from ${users} where id = ${experienceVersions.submittedBy})`;
		const approver = sql<string | null>`(select display_name from ${users} where id = ${experienceVersions.approvedBy})`;
		return this.db
			.select({
				number: experienceVersions.number,
				content: experienceVersions.content,
				publishedAt: experienceVersions.publishedAt,
				submittedBy: experienceVersions.submittedBy,
				submittedByName: submitter,
				approvedBy: experienceVersions.approvedBy,
				approvedByName: approver
			})
			.from(experienceVersions)
			.where(eq(experienceVersions.experienceId, experienceId))
			.orderBy(asc(experienceVersions.number));
	}

	/** Who submitted the working copy last: the latest `experience.submit` audit row's actor. */
	lastSubmitter(tx: Executor, experienceId: string) {
		return tx
			.select({ actorId: auditLog.actorId })
			.from(auditLog)
			.where(and(eq(auditLog.action, 'experience.submit'), eq(auditLog.targetId, experienceId)))
			.orderBy(desc(auditLog.at), desc(auditLog.id))
			.limit(1)
			.then((rows) => rows[0]?.actorId ?? null);
	}

	userByHandle(handle: string) {
		return this.db
			.select({ id: users.id, displayName: users.displayName, handle: users.handle, status: users.status })
			.from(users)
			.where(eq(users.handle, handle.toLowerCase()))
			.then((rows) => rows[0]);
	}

	/** A member named by a fiche (its contact person), whatever their status. */
	userById(id: string) {
		return this.db
			.select({ id: users.id, displayName: users.displayName, handle: users.handle, status: users.status })
			.from(users)
			.where(eq(users.id, id))
			.then((rows) => rows[0]);
	}

	/** Enough of a member to act in their name (opening the fiche's thread as its creator). */
	userForAuth(id: string) {
		return this.db
			.select({
				id: users.id,
				email: users.email,
				displayName: users.displayName,
				role: users.role,
				locale: users.locale,
				status: users.status
			})
			.from(users)
			.where(eq(users.id, id))
			.then((rows) => rows[0]);
	}

	userNames(ids: string[]) {
		if (ids.length === 0) return Promise.resolve([]);
		return this.db.select({ id: users.id, displayName: users.displayName }).from(users).where(inArray(users.id, ids));
	}

	/** One page of published fiches, newest first (keyset on published_at, id). */
	pageByDate(f: ExperienceFilters, after: { key: string; id: string } | null, limit: number) {
		const keyset = after
			? sql` and (${experiences.publishedAt}, ${experiences.id}) < (${after.key}::timestamptz, ${after.id}::uuid)`
			: sql``;
		return this.db
			.select(listColumns)
			.from(experiences)
			.innerJoin(spaces, eq(spaces.id, experiences.spaceId))
			.where(sql`${conditions(f)}${keyset}`)
			.orderBy(desc(experiences.publishedAt), desc(experiences.id))
			.limit(limit);
	}

	/**
	 * One page by relevance (ts_rank over the weighted vector), then newest first. Paged by
	 * OFFSET, which the service bounds: a rank is a float, which a keyset cursor would have to
	 * carry exactly, and nobody reads past the first pages of a relevance ranking.
	 */
	pageByRelevance(f: ExperienceFilters & { text: string }, offset: number, limit: number) {
		return this.db
			.select(listColumns)
			.from(experiences)
			.innerJoin(spaces, eq(spaces.id, experiences.spaceId))
			.where(conditions(f))
			.orderBy(desc(sql`ts_rank(${experiences.search}, ${tsQuery(f.text)})`), desc(experiences.publishedAt), desc(experiences.id))
			.offset(offset)
			.limit(limit);
	}

	/**
	 * Counts per value of each facet, each with every other filter applied, and the total
	 * with all of them: one statement, one branch per facet (each can use its own index).
	 */
	async facets(f: ExperienceFilters): Promise<{ facet: Facet | 'total'; value: string; count: number }[]> {
		const where = (except?: Facet) => conditions(f, except);
		return this.rows(sql`
			select 'countries' as facet, v.value, count(*)::int as count
				from ${experiences} cross join unnest(${experiences.countries}) as v(value)
				where ${where('countries')} group by v.value
			union all
			select 'mechanism', ${experiences.mechanism}, count(*)::int
				from ${experiences} where ${where('mechanism')} and ${experiences.mechanism} is not null
				group by ${experiences.mechanism}
			union all
			select 'targets', v.value, count(*)::int
				from ${experiences} cross join unnest(${experiences.targets}) as v(value)
				where ${where('targets')} group by v.value
			union all
			select 'area', ${experiences.area}, count(*)::int
				from ${experiences} where ${where('area')} and ${experiences.area} is not null
				group by ${experiences.area}
			union all
			select 'hasResults', ${experiences.hasResults}::text, count(*)::int
				from ${experiences} where ${where('hasResults')} group by ${experiences.hasResults}
			union all
			select 'total', '', count(*)::int from ${experiences} where ${where()}
		`);
	}

	/** Every matching published fiche, whole, newest first (for export), up to `limit`. */
	exportRows(f: ExperienceFilters, limit: number) {
		return this.db
			.select({
				id: experiences.id,
				published: experiences.published,
				publishedVersion: experiences.publishedVersion,
				publishedAt: experiences.publishedAt,
				spaceSlug: spaces.slug,
				spaceName: spaces.name
			})
			.from(experiences)
			.innerJoin(spaces, eq(spaces.id, experiences.spaceId))
			.where(conditions(f))
			.orderBy(desc(experiences.publishedAt), desc(experiences.id))
			.limit(limit);
	}

	/** Submitted fiches of these spaces, oldest submission first (the review queue). */
	submitted(spaceIds: string[]) {
		if (spaceIds.length === 0) return Promise.resolve([]);
		return this.db
			.select({ experience: experiences, spaceSlug: spaces.slug, spaceName: spaces.name })
			.from(experiences)
			.innerJoin(spaces, eq(spaces.id, experiences.spaceId))
			.where(and(eq(experiences.status, 'submitted' satisfies ExperienceStatus), inArray(experiences.spaceId, spaceIds)))
			.orderBy(asc(experiences.submittedAt), asc(experiences.id));
	}

	/** Raw rows on either driver: PGlite answers `{ rows }`, postgres.js an array. */
	private async rows<T>(query: SQL): Promise<T[]> {
		const result = (await this.db.execute(query)) as unknown as T[] | { rows: T[] };
		return Array.isArray(result) ? result : result.rows;
	}
}

export type ExperienceListRow = Awaited<ReturnType<ExperiencesRepository['pageByDate']>>[number];
