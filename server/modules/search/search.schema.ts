import { z } from 'zod';
import { slugSchema } from '../spaces/spaces.schema.ts';

export const searchSorts = ['relevance', 'date'] as const;
export type SearchSort = (typeof searchSorts)[number];

export const searchQuery = z
	.strictObject({
		/** Words, "a phrase", -excluded, or: the syntax people type in web search boxes. */
		q: z.string().trim().min(2).max(200),
		/** Slug of one space. */
		space: slugSchema.optional(),
		/** Author's @handle (the @ is optional). */
		author: z
			.string()
			.trim()
			.regex(/^@?[a-zA-Z0-9][a-zA-Z0-9-]{1,39}$/)
			.optional(),
		/** Written on or after this day (UTC). */
		from: z.iso.date().optional(),
		/** Written on or before this day (UTC). */
		to: z.iso.date().optional(),
		sort: z.enum(searchSorts).default('relevance'),
		/** Opaque keyset cursor from the previous page's `next`. */
		after: z.string().max(200).optional()
	})
	.refine((v) => !v.from || !v.to || v.from <= v.to, { path: ['to'] });
export type SearchQuery = z.infer<typeof searchQuery>;

/**
 * A snippet or title as runs of plain text, `true` where the text matched. Clients render
 * each run as text (in a <mark> when true): nothing here is HTML, whatever the author typed.
 */
export const textRuns = z.array(z.tuple([z.string(), z.boolean()]));
export type TextRuns = z.infer<typeof textRuns>;

export const searchResultKinds = ['thread', 'post', 'experience'] as const;

export const searchResult = z.object({
	/** A thread (found by its title), a post, or a published fiche d'expérience. */
	kind: z.enum(searchResultKinds),
	/** The thread's id, the post's, or the fiche's. */
	id: z.uuid(),
	url: z.string(),
	/** The post's number in its thread; null for a thread or a fiche. */
	number: z.number().int().nullable(),
	/** The thread of a thread or post result; null for a fiche. */
	thread: z.object({ id: z.uuid(), title: z.string(), url: z.string() }).nullable(),
	/** The thread's title, or the fiche's, with the matched words marked. */
	title: textRuns,
	space: z.object({ slug: z.string(), name: z.string(), url: z.string() }),
	/** Who wrote it (a fiche: who created it). */
	author: z.object({ id: z.uuid(), displayName: z.string(), handle: z.string(), url: z.string() }),
	/** When it was written (a fiche: its latest publication). */
	createdAt: z.iso.datetime(),
	/** Around the matches of the post (a thread: the start of its first post; a fiche: its summary and texts). */
	snippet: textRuns
});
export type SearchResult = z.infer<typeof searchResult>;

export const searchOutput = z.object({
	items: z.array(searchResult),
	/** Pass as `after` for the next page, or null on the last page. */
	next: z.string().nullable()
});
export type SearchOutput = z.infer<typeof searchOutput>;
