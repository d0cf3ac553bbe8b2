import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import type { Actions, PageServerLoad } from './$types';

const before = z.iso.datetime();

export const load: PageServerLoad = async ({ locals, url }) => {
	if (!locals.auth) redirect(303, `/connexion?next=${encodeURIComponent(url.pathname + url.search)}`);
	const cursor = before.safeParse(url.searchParams.get('avant'));
	const { items, unread } = await locals.services.notifications.list(locals.auth, cursor.success ? cursor.data : undefined);
	return {
		items: items.map((n) => ({
			id: n.id,
			kind: n.kind,
			url: n.url,
			actor: n.actor?.displayName ?? null,
			space: n.space?.name ?? null,
			thread: n.thread?.title ?? null,
			// join_decision: a request to decide (for moderators), or the decision (for the asker).
			request: n.data.request === true,
			approved: n.data.approved === true,
			// moderation of a thread (lock, move, close…): which action, and the moderator's reason.
			threadAction:
				n.kind === 'moderation' && typeof n.data.action === 'string' && n.data.action.startsWith('thread.')
					? n.data.action.slice('thread.'.length)
					: null,
			threadActionReason: n.kind === 'moderation' && typeof n.data.reason === 'string' ? n.data.reason : null,
			// post_rejected, moderation: what was done and why.
			action: typeof n.data.action === 'string' ? n.data.action : null,
			reason: typeof n.data.reason === 'string' ? n.data.reason : null,
			// experience.return: the moderator's comments to the authors.
			comment: typeof n.data.comment === 'string' ? n.data.comment : null,
			// event_reminder, event_seat, event_update: the event's title, which reminder, what changed.
			eventTitle: typeof n.data.eventId === 'string' && typeof n.data.title === 'string' ? n.data.title : null,
			reminder: n.data.reminder === '1h' ? ('1h' as const) : ('24h' as const),
			change: n.data.change === 'cancelled' ? ('cancelled' as const) : ('changed' as const),
			createdAt: n.createdAt,
			read: n.read
		})),
		unread,
		// 30 a page: a full page may have more behind it.
		older: items.length === 30 ? items.at(-1)!.createdAt : null,
		paged: cursor.success
	};
};

export const actions: Actions = {
	readAll: async ({ locals }) => {
		await locals.services.notifications.markRead(locals.auth);
		return { readAll: true };
	}
};
