import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { spaceMembers, spaces, users } from '../../../db/schema/index.ts';
import { experienceSearchText } from '../experiences/experiences.repository.ts';
import type { SearchSort } from './search.schema.ts';
import { NEUTRALISED_FROM, NEUTRALISED_TO, SNIPPET_OPTIONS, WHOLE_TEXT_MAX_LENGTH, WHOLE_TEXT_OPTIONS } from './snippet.ts';

const NOBODY = '00000000-0000-0000-0000-000000000000';

export interface SearchFilters {
	text: string;
	/** Spaces the caller may read (already narrowed to one by a space filter). Never empty. */
	spaceIds: string[];
	authorId?: string | undefined;
	/** Inclusive lower bound. */
	from?: Date | undefined;
	/** Exclusive upper bound. */
	until?: Date | undefined;
	sort: SearchSort;
	/** Typo-tolerant title matching; off for very short queries, where trigrams match everything. */
	fuzzy: boolean;
	after: { key: string; id: string } | null;
	limit: number;
}

export interface SearchRow {
	kind: 'thread' | 'post' | 'experience';
	id: string;
	/** Null for a fiche d'expérience. */
	threadId: string | null;
	number: number | null;
	/** The sort key, a bigint as text: exact, so the keyset cursor never skips or repeats. */
	key: string;
	createdAt: string;
	/** The thread's title, or the fiche's. */
	title: string;
	spaceSlug: string;
	spaceName: string;
	authorId: string;
	authorName: string;
	authorHandle: string;
	titleHeadline: string;
	/**
	 * The post's Markdown (for a thread: its first post's), or null if that post is deleted;
	 * for a fiche: its summary and the rest of its searchable text.
	 */
	body: string | null;
	bodyHeadline: string | null;
}

/** What ts_headline reads: the unaccented text with marker characters neutralised (see snippet.ts). */
const headlineSource = (column: SQL) => sql`translate(palabre_unaccent(${column}), ${NEUTRALISED_FROM}, ${NEUTRALISED_TO})`;

export class SearchRepository {
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
			.leftJoin(spaceMembers, and(eq(spaceMembers.spaceId, spaces.id), eq(spaceMembers.userId, userId ?? NOBODY)))
			.orderBy(asc(spaces.name));
	}

	userIdByHandle(handle: string) {
		return this.db
			.select({ id: users.id })
			.from(users)
			.where(eq(users.handle, handle))
			.then((rows) => rows[0]?.id);
	}

	/** What `palabre_unaccent` makes of each character, to align highlights with the original text. */
	async unaccentCharacters(chars: string[]): Promise<Map<string, string>> {
		if (chars.length === 0) return new Map();
		const list = sql.join(
			chars.map((c) => sql`${c}::text`),
			sql`, `
		);
		const rows = await this.rows<{ c: string; u: string }>(
			sql`select c, palabre_unaccent(c) as u from unnest(array[${list}]) as c`
		);
		return new Map(rows.map((r) => [r.c, r.u]));
	}

	/**
	 * One ranked list over thread titles, post bodies and published fiches d'expérience, in two steps: find and order the
	 * matches (cheap columns only, under the keyset bound), then build headlines for the one
	 * page that survives the LIMIT: ts_headline re-parses the text and is the costly part.
	 *
	 * Matching uses the generated `title_search` / `body_search` vectors (French stemming on
	 * unaccented text) through their GIN indexes; a title also matches by trigram word
	 * similarity (`%>`, GIN trigram index) so "mutuele" finds "mutuelle". A thread found by
	 * its title stands for its opening post too: its snippet is that post's.
	 *
	 * A fiche matches through the vector of its published version (`experiences.search`,
	 * weighted title A, summary B, the rest C; GIN index), ranked by `ts_rank` like a post: a
	 * word of its title weighs as in a thread title, a word of its lessons learned twice as
	 * much as in a post (C against D). Drafts, and revisions not yet published, are never
	 * read. Its author, for the author filter, is any of its authors; its date is that of its
	 * latest publication.
	 */
	async search(f: SearchFilters): Promise<SearchRow[]> {
		const tsq = sql`websearch_to_tsquery('french', palabre_unaccent(${f.text}::text))`;
		const folded = sql`palabre_unaccent(lower(${f.text}::text))`;
		const spaceList = sql.join(
			f.spaceIds.map((id) => sql`${id}::uuid`),
			sql`, `
		);
		const bounds = (table: 't' | 'p' | 'e') => {
			const created = sql.raw(table === 'e' ? 'e.published_at' : `${table}.created_at`);
			const byAuthor =
				table === 'e'
					? sql`exists (select 1 from experience_authors ea where ea.experience_id = e.id and ea.user_id = ${f.authorId}::uuid)`
					: sql`${sql.raw(`${table}.author_id`)} = ${f.authorId}::uuid`;
			return sql.join(
				[
					f.authorId ? byAuthor : undefined,
					f.from ? sql`${created} >= ${f.from.toISOString()}::timestamptz` : undefined,
					f.until ? sql`${created} < ${f.until.toISOString()}::timestamptz` : undefined
				]
					.filter((c): c is SQL => c !== undefined)
					.map((c) => sql` and ${c}`)
			);
		};
		// Keys are whole numbers so they survive the trip through the cursor exactly.
		const dateKey = (column: string) => sql`(extract(epoch from ${sql.raw(column)}) * 1000000)::bigint`;
		// A title match outranks a body match; an exact title match outranks a near miss.
		const threadKey =
			f.sort === 'date'
				? dateKey('t.created_at')
				: sql`round((ts_rank(setweight(t.title_search, 'A'), ${tsq}) + 0.5 * word_similarity(${folded}, palabre_unaccent(lower(t.title)))) * 1e9)::bigint`;
		const postKey = f.sort === 'date' ? dateKey('p.created_at') : sql`round(ts_rank(p.body_search, ${tsq}) * 1e9)::bigint`;
		const ficheKey = f.sort === 'date' ? dateKey('e.published_at') : sql`round(ts_rank(e.search, ${tsq}) * 1e9)::bigint`;
		const fiche = experienceSearchText(sql.raw('e.published'));
		const titleMatch = f.fuzzy
			? sql`(t.title_search @@ ${tsq} or palabre_unaccent(lower(t.title)) %> ${folded})`
			: sql`t.title_search @@ ${tsq}`;
		const keyset = f.after ? sql`where (u.key, u.id) < (${f.after.key}::bigint, ${f.after.id}::uuid)` : sql``;

		return this.rows<SearchRow>(sql`
			with hits as (
				select * from (
					select 'thread' as kind, t.id, t.id as thread_id, null::int as number, t.author_id, t.created_at, ${threadKey} as key
					from threads t
					where t.deleted_at is null and t.hidden_at is null and t.space_id in (${spaceList}) and ${titleMatch}${bounds('t')}
					union all
					select 'post', p.id, p.thread_id, p.number, p.author_id, p.created_at, ${postKey}
					from posts p
					join threads t on t.id = p.thread_id
					where p.deleted_at is null and p.status = 'published' and p.hidden_at is null and t.deleted_at is null and t.hidden_at is null and t.space_id in (${spaceList})
						and p.body_search @@ ${tsq}${bounds('p')}
						-- An opening post whose thread is found by its title is that thread's result.
						and not (p.number = 1 and ${titleMatch})
					union all
					select 'experience', e.id, null::uuid, null::int, e.created_by, e.published_at, ${ficheKey}
					from experiences e
					where e.published is not null and e.space_id in (${spaceList}) and e.search @@ ${tsq}${bounds('e')}
				) u
				${keyset}
				order by u.key desc, u.id desc
				limit ${f.limit}
			)
			select h.kind, h.id, h.thread_id as "threadId", h.number, h.key::text as key,
				to_char(h.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "createdAt",
				ti.title, s.slug as "spaceSlug", s.name as "spaceName",
				a.id as "authorId", a.display_name as "authorName", a.handle as "authorHandle",
				ts_headline('french', ${headlineSource(sql`ti.title`)}, ${tsq}, ${WHOLE_TEXT_OPTIONS}) as "titleHeadline",
				b.body,
				ts_headline('french', ${headlineSource(sql`b.body`)}, ${tsq},
					case when length(b.body) <= ${WHOLE_TEXT_MAX_LENGTH} then ${WHOLE_TEXT_OPTIONS} else ${SNIPPET_OPTIONS} end) as "bodyHeadline"
			from hits h
			left join threads t on t.id = h.thread_id
			left join experiences e on h.kind = 'experience' and e.id = h.id
			join spaces s on s.id = coalesce(t.space_id, e.space_id)
			join users a on a.id = h.author_id
			left join posts bp on h.kind = 'post' and bp.id = h.id
			left join posts fp on h.kind = 'thread' and fp.thread_id = h.id and fp.number = 1 and fp.deleted_at is null
			cross join lateral (select
				coalesce(t.title, e.title) as title,
				case when e.id is not null then concat_ws(chr(10), nullif(${fiche.summary}, ''), nullif(${fiche.rest}, '')) end as fiche_body
			) ti
			cross join lateral (select coalesce(bp.body, fp.body, ti.fiche_body) as body) b
			order by h.key desc, h.id desc
		`);
	}

	/** Raw rows on either driver: PGlite answers `{ rows }`, postgres.js an array. */
	private async rows<T>(query: SQL): Promise<T[]> {
		const result = (await this.db.execute(query)) as unknown as T[] | { rows: T[] };
		return Array.isArray(result) ? result : result.rows;
	}
}
