import { error, redirect } from '@sveltejs/kit';
import { postIdParams, threadIdParams } from '$server/modules/threads/threads.schema';
import { reportInput } from '$server/modules/moderation/queue.schema';
import { runForm } from '$lib/server/forms';
import { orHttpError } from '$lib/server/load';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

/** The post named by `?message=`, or null when the thread itself is reported. */
function postParam(url: URL): string | null {
	const raw = url.searchParams.get('message');
	if (raw === null) return null;
	const parsed = postIdParams.safeParse({ id: raw });
	if (!parsed.success) error(404);
	return parsed.data.id;
}

function threadParam(params: { id: string }): string {
	const parsed = threadIdParams.safeParse({ id: params.id });
	if (!parsed.success) error(404);
	return parsed.data.id;
}

function login(event: Pick<RequestEvent, 'url'>): never {
	redirect(303, `/connexion?next=${encodeURIComponent(event.url.pathname + event.url.search)}`);
}

export const load: PageServerLoad = async (event) => {
	const { locals, params, url } = event;
	const threadId = threadParam(params);
	const postId = postParam(url);
	if (!locals.auth) login(event);
	const { threads, reasons } = locals.services;
	const thread = (await orHttpError(locals.locale, () => threads.get(locals.auth, threadId))).thread;
	let post: { id: string; number: number; author: string; bodyHtml: string | null } | null = null;
	if (postId) {
		const found = (await orHttpError(locals.locale, () => threads.post(locals.auth, postId))).post;
		if (found.threadId !== threadId || !found.can.report) error(404);
		post = { id: found.id, number: found.number, author: found.author.displayName, bodyHtml: found.bodyHtml };
	} else if (thread.author.id === locals.auth.user.id) error(404);
	const list = await orHttpError(locals.locale, () => reasons.list(locals.auth, locals.locale));
	return {
		thread: { id: thread.id, title: thread.title, url: thread.url },
		post,
		reasons: list.map((r) => ({ code: r.code, label: r.label }))
	};
};

export const actions: Actions = {
	default: async (event) => {
		const { locals, params, url } = event;
		const threadId = threadParam(params);
		const postId = postParam(url);
		if (!locals.auth) login(event);
		const result = await runForm(event, reportInput, (input) => locals.services.moderation.report(locals.auth, input), {
			pick: (v) => ({
				...(postId ? { postId } : { threadId }),
				reason: v.reason ?? '',
				note: v.note || undefined
			})
		});
		if (!('ok' in result)) return result;
		if (postId) {
			const { post } = await locals.services.threads.post(locals.auth, postId).catch(() => ({ post: null }));
			if (post) redirect(303, `/fils/${threadId}?n=${post.number}&signale=message#p-${post.number}`);
		}
		redirect(303, `/fils/${threadId}?signale=${postId ? 'message' : 'fil'}`);
	}
};
