import { error } from '@sveltejs/kit';
import { postIdParams } from '$server/modules/threads/threads.schema';
import { orHttpError } from '$lib/server/load';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	const id = postIdParams.safeParse({ id: params.id });
	if (!id.success) error(404);
	const { threads } = locals.services;
	// The post first: its thread's access check, then its versions (revisions checks again).
	const [{ post, ctx }, versions] = await orHttpError(locals.locale, () =>
		Promise.all([threads.post(locals.auth, id.data.id), threads.revisions(locals.auth, id.data.id)])
	);
	return {
		post: { url: post.url, number: post.number, author: post.author.displayName },
		thread: { title: ctx.thread.thread.title, url: `/fils/${ctx.thread.thread.id}` },
		// Newest first: the reader came to see what changed last.
		versions: versions
			.map((v) => ({ number: v.number, createdAt: v.createdAt, editedBy: v.editedBy, diff: v.diff as [number, string][] }))
			.reverse()
	};
};
