import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { spaceMembers, spaces, users } from '../../../db/schema/index.ts';
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
	kind: 'thread' | 'post';
	id: string;
	threadId: string;
	number: number | null;
	/** The sort key, a bigint as text: exact, so the keyset cursor never skips or repeats. */
	key: string;
	createdAt: string;
	title: string;
	spaceSlug: string;
	spaceName: string;
	authorId: string;
	authorName: string;
	authorHandle: string;
	titleHeadline: string;
	/** The post's Markdown (for a thread: its first post's), or null if that post is deleted. */
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
	 * One ranked list over thread titles and post bodies, in two steps: find and order the
	 * matches (cheap columns only, under the keyset bound), then build headlines for the one
	 * page that survives the LIMIT: ts_headline re-parses the text and is the costly part.
	 *
	 * Matching uses the generated `title_search` / `body_search` vectors (French stemming on
	 * unaccented text) through their GIN indexes; a title also matches by trigram word
	 * similarity (`%>`, GIN trigram index) so "mutuele" finds "mutuelle". A thread found by
	 * its title stands for its opening post too: its snippet is that post's.
	 */
	async search(f: SearchFilters): Promise<SearchRow[]> {
		const tsq = sql`websearch_to_tsquery('french', palabre_unaccent(${f.text}::text))`;
		const folded = sql`palabre_unaccent(lower(${f.text}::text))`;
		const spaceList = sql.join(
			f.spaceIds.map((id) => sql`${id}::uuid`),
			sql`, `
		);
		const bounds = (table: 't' | 'p') => {
			const created = sql.raw(`${table}.created_at`);
			return sql.join(
				[
					f.authorId ? sql`${sql.raw(`${table}.author_id`)} = ${f.authorId}::uuid` : undefined,
					f.from ? sql`${created} >= ${f.from.toISOString()}::timestamptz` : undefined,
					f.until ? sql`${created} < ${f.until.toISOString()}::timestamptz` : undefined
				]
					.filter((c): c is SQL => c !== undefined)
					.map((c) => sql` and ${c}`)
			);
		};
		// Keys are whole numbers so they survive the trip through the cursor exactly.
		const dateKey = (table: 't' | 'p') => sql`(extract(epoch from ${sql.raw(`${table}.created_at`)}) * 1000000)::bigint`;
		// A title match outranks a body match; an exact title match outranks a near miss.
		const threadKey =
			f.sort === 'date'
				? dateKey('t')
				: sql`round((ts_rank(setweight(t.title_search, 'A'), ${tsq}) + 0.5 * word_similarity(${folded}, palabre_unaccent(lower(t.title)))) * 1e9)::bigint`;
		const postKey = f.sort === 'date' ? dateKey('p') : sql`round(ts_rank(p.body_search, ${tsq}) * 1e9)::bigint`;
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
				) u
				${keyset}
				order by u.key desc, u.id desc
				limit ${f.limit}
			)
			select h.kind, h.id, h.thread_id as "threadId", h.number, h.key::text as key,
				to_char(h.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "createdAt",
				t.title, s.slug as "spaceSlug", s.name as "spaceName",
				a.id as "authorId", a.display_name as "authorName", a.handle as "authorHandle",
				ts_headline('french', ${headlineSource(sql`t.title`)}, ${tsq}, ${WHOLE_TEXT_OPTIONS}) as "titleHeadline",
				b.body,
				ts_headline('french', ${headlineSource(sql`b.body`)}, ${tsq},
					case when length(b.body) <= ${WHOLE_TEXT_MAX_LENGTH} then ${WHOLE_TEXT_OPTIONS} else ${SNIPPET_OPTIONS} end) as "bodyHeadline"
			from hits h
			join threads t on t.id = h.thread_id
			join spaces s on s.id = t.space_id
			join users a on a.id = h.author_id
			left join posts bp on h.kind = 'post' and bp.id = h.id
			left join posts fp on h.kind = 'thread' and fp.thread_id = h.id and fp.number = 1 and fp.deleted_at is null
			cross join lateral (select coalesce(bp.body, fp.body) as body) b
			order by h.key desc, h.id desc
		`);
	}

	/** Raw rows on either driver: PGlite answers `{ rows }`, postgres.js an array. */
	private async rows<T>(query: SQL): Promise<T[]> {
		const result = (await this.db.execute(query)) as unknown as T[] | { rows: T[] };
		return Array.isArray(result) ? result : result.rows;
	}
}
