import { randomUUID } from 'node:crypto';
import { error, redirect } from '@sveltejs/kit';
import { joinInput, slugSchema } from '$server/modules/spaces/spaces.schema';
import { createThreadInput } from '$server/modules/threads/threads.schema';
import { runForm } from '$lib/server/forms';
import { orHttpError } from '$lib/server/load';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const slug = slugSchema.safeParse(params.slug);
	if (!slug.success) error(404);
	const after = url.searchParams.get('apres') || undefined;
	const { spaces, threads } = locals.services;
	const [space, page] = await orHttpError(locals.locale, () =>
		Promise.all([spaces.get(locals.auth, slug.data), threads.list(locals.auth, slug.data, after)])
	);
	return {
		space: {
			id: space.id,
			slug: space.slug,
			url: space.url,
			name: space.name,
			descriptionHtml: space.descriptionHtml,
			visibility: space.visibility,
			archived: space.archived,
			threadCount: space.threadCount,
			postCount: space.postCount,
			lastActivityAt: space.lastActivityAt,
			unreadThreads: space.unreadThreads,
			member: space.membership?.status === 'active',
			membership: space.membership?.status ?? null,
			can: space.can
		},
		threads: page.items.map((t) => ({
			id: t.id,
			url: t.url,
			title: t.title,
			kind: t.kind,
			resolved: t.acceptedPostId !== null,
			pinned: t.pinned,
			locked: t.locked,
			closed: t.closed,
			synthesis: t.synthesisPostId !== null,
			author: t.author.displayName,
			postCount: t.postCount,
			unread: t.unread,
			firstUnreadNumber: t.firstUnreadNumber,
			lastActivityAt: t.lastActivityAt
		})),
		next: page.next,
		paged: after !== undefined,
		signedIn: locals.auth !== null,
		// A resent form (a retry after a timeout) opens the same thread, never a second one.
		clientKey: randomUUID()
	};
};

export const actions: Actions = {
	join: async (event) => {
		const { locals, params } = event;
		const result = await runForm(
			event,
			joinInput,
			(input) => locals.services.spaces.join(locals.auth, params.slug, input.message),
			{
				pick: (v) => ({ message: v.message ?? '' }),
				form: 'membership'
			}
		);
		if (!('ok' in result)) return result;
		return { membership: result.result?.status ?? null };
	},
	leave: async ({ locals, params }) => {
		await orHttpError(locals.locale, () => locals.services.spaces.leave(locals.auth, params.slug));
		return { membership: null, left: true };
	},
	thread: async (event) => {
		const { locals, params } = event;
		const result = await runForm(
			event,
			createThreadInput,
			(input) => locals.services.threads.createThread(locals.auth, params.slug, input),
			{
				pick: (v) => ({
					title: v.title ?? '',
					kind: v.kind || undefined,
					body: v.body ?? '',
					clientKey: v.clientKey || undefined
				}),
				form: 'thread'
			}
		);
		if (!('ok' in result)) return result;
		redirect(303, result.result.thread.url);
	}
};
