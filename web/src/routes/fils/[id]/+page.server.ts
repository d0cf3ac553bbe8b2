import { randomUUID } from 'node:crypto';
import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { isAppError } from '$server/lib/errors';
import { quoteMarkdown } from '$server/lib/markdown';
import {
	acceptInput,
	createPostInput,
	postIdParams,
	threadIdParams,
	threadPostsQuery,
	updatePostInput,
	voteInput
} from '$server/modules/threads/threads.schema';
import { runForm } from '$lib/server/forms';
import { orHttpError } from '$lib/server/load';
import { threadPagePost, threadPageThread, threadPageUrl } from '$lib/server/threads';
import type { Actions, PageServerLoad } from './$types';

/** Posts per page, as the service pages them: a reply lands last on the page it opens. */
const PAGE = 20;

/** A post the caller may read, or null (a stale or forged `?citer=` / `?modifier=`). */
async function readablePost(locals: App.Locals, postId: string | null) {
	const id = postIdParams.safeParse({ id: postId });
	if (!id.success) return null;
	try {
		return await locals.services.threads.post(locals.auth, id.data.id);
	} catch (caught) {
		if (isAppError(caught)) return null;
		throw caught;
	}
}

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const id = threadIdParams.safeParse({ id: params.id });
	if (!id.success) error(404);
	const position = threadPostsQuery.safeParse({
		n: url.searchParams.get('n') || undefined,
		before: url.searchParams.get('avant') || undefined
	});
	const at = position.success ? position.data : {};
	const page = await orHttpError(locals.locale, () => locals.services.threads.get(locals.auth, id.data.id, at));
	// Lock reason, slow mode, synthesis: shown by ThreadModerationNotices.
	const { synthesisPostId: _featured, ...moderation } = await locals.services.threadActions.notices(locals.auth, id.data.id);
	const { thread } = page;

	// "Répondre en citant": the reply form opens with the quoted post, read with the caller's rights.
	let quote: { postId: string; body: string } | null = null;
	if (thread.can.reply && url.searchParams.has('citer')) {
		const quoted = await readablePost(locals, url.searchParams.get('citer'));
		if (quoted && !quoted.post.deleted && quoted.post.bodyHtml !== null) {
			quote = {
				postId: quoted.post.id,
				body: quoteMarkdown({
					authorName: quoted.post.author.displayName,
					sourcePath: quoted.post.url,
					body: quoted.row.post.body
				})
			};
		}
	}

	let editing: { postId: string; body: string } | null = null;
	if (url.searchParams.has('modifier')) {
		const edited = await readablePost(locals, url.searchParams.get('modifier'));
		if (edited && edited.post.can.edit && edited.post.threadId === thread.id) {
			editing = { postId: edited.post.id, body: edited.row.post.body };
		}
	}

	const shown = new Set(page.posts.map((p) => p.id));
	return {
		thread: threadPageThread(thread),
		posts: page.posts.map(threadPagePost),
		// The accepted answer, sent once: here only when it is not among the page's posts.
		accepted: page.accepted && !shown.has(page.accepted.id) ? threadPagePost(page.accepted) : null,
		previous: page.previous,
		next: page.next,
		// Where the reader stopped last time, when the page opened there by itself.
		firstUnread: at.n === undefined && at.before === undefined ? thread.firstUnreadNumber : null,
		userId: locals.auth?.user.id ?? null,
		// Moderators' hide and reject forms on each post (they post to the review queue's actions).
		moderationReasons: thread.can.moderate
			? (await locals.services.reasons.list(locals.auth, locals.locale)).map((r) => ({ code: r.code, label: r.label }))
			: [],
		moderation,
		reply: { clientKey: randomUUID(), quote },
		editing
	};
};

/** Back to the page the form was on, at the post it changed. */
function backTo(event: RequestEvent, number: number): string {
	return `${threadPageUrl(event.url)}#p-${number}`;
}

const postTarget = z.strictObject({ postId: z.uuid('error_not_found') });

async function targetPost(event: RequestEvent): Promise<string> {
	const data = await event.request.clone().formData();
	const parsed = postTarget.safeParse({ postId: data.get('postId') });
	if (!parsed.success) error(404);
	return parsed.data.postId;
}

export const actions: Actions = {
	reply: async (event) => {
		const { locals, params } = event;
		const result = await runForm(
			event,
			createPostInput,
			(input) => locals.services.threads.reply(locals.auth, params.id, input),
			{
				pick: (v) => ({
					body: v.body ?? '',
					quotePostId: v.quotePostId || undefined,
					clientKey: v.clientKey || undefined
				}),
				form: 'reply'
			}
		);
		if (!('ok' in result)) return result;
		const post = result.result;
		// An enhanced form stays on the page and shows the post in place; a plain one is
		// redirected (post/redirect/get) to the page that ends with the new post.
		if (event.request.headers.get('x-sveltekit-action') === 'true') {
			return { posted: threadPagePost(post), clientKey: randomUUID() };
		}
		redirect(303, `/fils/${params.id}?n=${Math.max(1, post.number - PAGE + 1)}#p-${post.number}`);
	},
	edit: async (event) => {
		const { locals } = event;
		const postId = await targetPost(event);
		const result = await runForm(
			event,
			updatePostInput,
			(input) => locals.services.threads.edit(locals.auth, postId, input.body),
			{
				pick: (v) => ({ body: v.body ?? '' }),
				form: 'edit'
			}
		);
		if (!('ok' in result)) return result;
		redirect(303, backTo(event, result.result.number));
	},
	delete: async (event) => {
		const { locals } = event;
		const postId = await targetPost(event);
		const result = await runForm(event, z.object({}), () => locals.services.threads.delete(locals.auth, postId), {
			pick: () => ({}),
			form: postId
		});
		if (!('ok' in result)) return result;
		redirect(303, backTo(event, result.result.number));
	},
	vote: async (event) => {
		const { locals } = event;
		const postId = await targetPost(event);
		const result = await runForm(event, voteInput, (input) => locals.services.threads.vote(locals.auth, postId, input.useful), {
			pick: (v) => ({ useful: v.useful === 'true' }),
			form: postId
		});
		if (!('ok' in result)) return result;
		redirect(303, backTo(event, result.result.number));
	},
	/** Marks the post as the question's accepted answer (`accept=true`), or withdraws it. */
	accept: async (event) => {
		const { locals, params } = event;
		const postId = await targetPost(event);
		const { threads } = locals.services;
		const result = await runForm(
			event,
			acceptInput,
			async (input) => {
				await threads.accept(locals.auth, params.id, input.postId);
				return (await threads.post(locals.auth, postId)).post.number;
			},
			{ pick: (v) => ({ postId: v.accept === 'true' ? postId : null }), form: postId }
		);
		if (!('ok' in result)) return result;
		redirect(303, backTo(event, result.result));
	}
};
