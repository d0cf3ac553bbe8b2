import type { Database } from '../../../db/client.ts';
import type { Auth } from '../../auth/auth.ts';
import { ValidationError } from '../../lib/errors.ts';
import { memberUrl } from '../accounts/accounts.service.ts';
import { spaceAccess } from '../spaces/access.ts';
import { experienceUrl } from '../experiences/experiences.service.ts';
import { spaceUrl } from '../spaces/spaces.service.ts';
import { postUrl, threadUrl } from '../threads/threads.service.ts';
import type { SearchOutput, SearchQuery, SearchResult, SearchSort } from './search.schema.ts';
import { SearchRepository, type SearchRow } from './search.repository.ts';
import { headlineRuns, nonAsciiCharacters, tidyMarkdownRuns } from './snippet.ts';

export const RESULTS_PER_PAGE = 20;
/** Below this many characters, trigram similarity matches nearly every title: full text only. */
const FUZZY_MIN_LENGTH = 4;
const DAY = 24 * 3600 * 1000;
/** Characters are few (accented letters, punctuation); the bound only guards against odd scripts. */
const MAX_CACHED_CHARACTERS = 10_000;

const SORT_TAGS: Record<SearchSort, string> = { relevance: 'r', date: 'd' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Keyset cursor: the last row's sort key and id, tagged with the sort it belongs to. Keys are
 * whole numbers computed in SQL (scaled rank, or microseconds), so they compare exactly.
 */
function encodeCursor(sort: SearchSort, row: SearchRow): string {
	return Buffer.from(`${SORT_TAGS[sort]}|${row.key}|${row.id}`).toString('base64url');
}

function decodeCursor(cursor: string | undefined, sort: SearchSort): { key: string; id: string } | null {
	if (!cursor) return null;
	const [tag, key, id] = Buffer.from(cursor, 'base64url').toString().split('|');
	if (tag !== SORT_TAGS[sort] || !/^-?\d{1,18}$/.test(key ?? '') || !UUID.test(id ?? '')) {
		throw new ValidationError({ after: 'error_field_invalid' });
	}
	return { key: key!, id: id! };
}

export class SearchService {
	readonly repo: SearchRepository;
	/** What `palabre_unaccent` does to each non-ASCII character seen so far (it is immutable). */
	private unaccented = new Map<string, string>();

	constructor(db: Database) {
		this.repo = new SearchRepository(db);
	}

	/** Ids of the spaces the caller may read, decided by the one permission table. */
	private async readableSpaces(auth: Auth) {
		const rows = await this.repo.spacesWithMembership(auth?.user.id ?? null);
		return rows.filter((row) =>
			spaceAccess.read(auth, {
				visibility: row.visibility,
				archivedAt: row.archivedAt,
				membership: row.memberRole && row.memberStatus ? { role: row.memberRole, status: row.memberStatus } : null
			})
		);
	}

	/** The spaces a search may be narrowed to: those the caller may read, by name. */
	async spaceChoices(auth: Auth): Promise<{ slug: string; name: string }[]> {
		return (await this.readableSpaces(auth)).map((s) => ({ slug: s.slug, name: s.name }));
	}

	/**
	 * Threads, posts and published fiches d'expérience matching `q`, best first (or newest first), a page at a time.
	 * Only what the caller may read: the readable spaces go into the SQL itself, so a page is
	 * never thinned out after the fact, and deleted threads and posts are never found (even
	 * by moderators, who see them in the thread). An unknown or unreadable space, or an
	 * unknown author, simply finds nothing: search does not reveal what exists.
	 */
	async query(auth: Auth, input: SearchQuery): Promise<SearchOutput> {
		const after = decodeCursor(input.after, input.sort);
		const empty: SearchOutput = { items: [], next: null };

		const readable = await this.readableSpaces(auth);
		const spaces = input.space ? readable.filter((s) => s.slug === input.space) : readable;
		if (spaces.length === 0) return empty;

		let authorId: string | undefined;
		if (input.author) {
			authorId = await this.repo.userIdByHandle(input.author.replace(/^@/, '').toLowerCase());
			if (!authorId) return empty;
		}

		const rows = await this.repo.search({
			text: input.q,
			spaceIds: spaces.map((s) => s.id),
			authorId,
			from: input.from ? new Date(`${input.from}T00:00:00Z`) : undefined,
			until: input.to ? new Date(new Date(`${input.to}T00:00:00Z`).getTime() + DAY) : undefined,
			sort: input.sort,
			fuzzy: input.q.length >= FUZZY_MIN_LENGTH,
			after,
			limit: RESULTS_PER_PAGE + 1
		});
		const page = rows.slice(0, RESULTS_PER_PAGE);
		await this.learnCharacters(page.flatMap((r) => [r.title, r.body ?? '']));
		const last = page.at(-1);
		return {
			items: page.map((row) => this.toResult(row)),
			next: rows.length > RESULTS_PER_PAGE && last ? encodeCursor(input.sort, last) : null
		};
	}

	private async learnCharacters(texts: string[]) {
		const unknown = [...nonAsciiCharacters(texts)].filter((c) => !this.unaccented.has(c));
		if (unknown.length === 0) return;
		if (this.unaccented.size + unknown.length > MAX_CACHED_CHARACTERS) this.unaccented.clear();
		for (const [c, u] of await this.repo.unaccentCharacters(unknown)) this.unaccented.set(c, u);
	}

	private toResult(row: SearchRow): SearchResult {
		const post = row.kind === 'post';
		const threadId = row.threadId;
		return {
			kind: row.kind,
			id: row.id,
			url:
				threadId === null
					? experienceUrl(row.id)
					: post && row.number !== null
						? postUrl(threadId, row.number)
						: threadUrl(threadId),
			number: post ? row.number : null,
			thread: threadId === null ? null : { id: threadId, title: row.title, url: threadUrl(threadId) },
			title: headlineRuns(row.titleHeadline, row.title, this.unaccented),
			space: { slug: row.spaceSlug, name: row.spaceName, url: spaceUrl(row.spaceSlug) },
			author: { id: row.authorId, displayName: row.authorName, handle: row.authorHandle, url: memberUrl(row.authorId) },
			createdAt: row.createdAt,
			snippet:
				row.body !== null && row.bodyHeadline !== null
					? tidyMarkdownRuns(headlineRuns(row.bodyHeadline, row.body, this.unaccented))
					: []
		};
	}
}
