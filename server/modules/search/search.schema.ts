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

export const searchResult = z.object({
	kind: z.enum(['thread', 'post']),
	/** The thread's id, or the post's. */
	id: z.uuid(),
	url: z.string(),
	/** The post's number in its thread; null for a thread. */
	number: z.number().int().nullable(),
	thread: z.object({ id: z.uuid(), title: z.string(), url: z.string() }),
	/** The thread title with the matched words marked. */
	title: textRuns,
	space: z.object({ slug: z.string(), name: z.string(), url: z.string() }),
	author: z.object({ id: z.uuid(), displayName: z.string(), handle: z.string(), url: z.string() }),
	createdAt: z.iso.datetime(),
	/** Around the matches of the post (for a thread: the start of its first post). */
	snippet: textRuns
});
export type SearchResult = z.infer<typeof searchResult>;

export const searchOutput = z.object({
	items: z.array(searchResult),
	/** Pass as `after` for the next page, or null on the last page. */
	next: z.string().nullable()
});
export type SearchOutput = z.infer<typeof searchOutput>;
