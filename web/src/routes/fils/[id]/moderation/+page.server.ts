import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import {
	closeWithSynthesisInput,
	moveThreadInput,
	reasonOptionalInput,
	reasonRequiredInput,
	setSlowModeInput
} from '$server/modules/moderation/thread-actions.schema';
import { threadIdParams } from '$server/modules/threads/threads.schema';
import { runForm } from '$lib/server/forms';
import { orHttpError } from '$lib/server/load';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const id = threadIdParams.safeParse({ id: params.id });
	if (!id.success) error(404);
	if (!locals.auth) redirect(303, `/connexion?next=${encodeURIComponent(url.pathname)}`);
	const page = await orHttpError(locals.locale, () => locals.services.threadActions.page(locals.auth, id.data.id));
	return { ...page, done: url.searchParams.has('fait') };
};

/** The thread the page is about; the service checks the caller moderates its space. */
function threadOf(event: RequestEvent): string {
	const id = threadIdParams.safeParse({ id: event.params.id });
	if (!id.success) error(404);
	return id.data.id;
}

const done = (threadId: string) => `/fils/${threadId}/moderation?fait=1`;
const reasonOf = (v: Record<string, string>) => ({ reason: v.reason ?? '' });
const noInput = z.object({});

/**
 * One form action per moderator action. Each parses the form with the API's schema, calls the
 * service and comes back here (post/redirect/get), or returns the form with what was typed.
 */
export const actions: Actions = {
	lock: async (event) => {
		const threadId = threadOf(event);
		const { threadActions } = event.locals.services;
		const result = await runForm(event, reasonRequiredInput, (i) => threadActions.lock(event.locals.auth, threadId, i.reason), {
			pick: reasonOf,
			form: 'lock'
		});
		if (!('ok' in result)) return result;
		redirect(303, done(threadId));
	},
	unlock: async (event) => {
		const threadId = threadOf(event);
		const { threadActions } = event.locals.services;
		const result = await runForm(event, reasonOptionalInput, (i) => threadActions.unlock(event.locals.auth, threadId, i.reason), {
			pick: reasonOf,
			form: 'lock'
		});
		if (!('ok' in result)) return result;
		redirect(303, done(threadId));
	},
	pin: async (event) => {
		const threadId = threadOf(event);
		const { threadActions } = event.locals.services;
		const result = await runForm(event, noInput, () => threadActions.pin(event.locals.auth, threadId), {
			pick: () => ({}),
			form: 'pin'
		});
		if (!('ok' in result)) return result;
		redirect(303, done(threadId));
	},
	unpin: async (event) => {
		const threadId = threadOf(event);
		const { threadActions } = event.locals.services;
		const result = await runForm(event, noInput, () => threadActions.unpin(event.locals.auth, threadId), {
			pick: () => ({}),
			form: 'pin'
		});
		if (!('ok' in result)) return result;
		redirect(303, done(threadId));
	},
	move: async (event) => {
		const threadId = threadOf(event);
		const { threadActions } = event.locals.services;
		const result = await runForm(event, moveThreadInput, (i) => threadActions.move(event.locals.auth, threadId, i), {
			pick: (v) => ({ spaceId: v.spaceId ?? '', reason: v.reason ?? '' }),
			form: 'move'
		});
		if (!('ok' in result)) return result;
		redirect(303, done(threadId));
	},
	delete: async (event) => {
		const threadId = threadOf(event);
		const { threadActions } = event.locals.services;
		const result = await runForm(event, reasonRequiredInput, (i) => threadActions.delete(event.locals.auth, threadId, i.reason), {
			pick: reasonOf,
			form: 'delete'
		});
		if (!('ok' in result)) return result;
		redirect(303, done(threadId));
	},
	restore: async (event) => {
		const threadId = threadOf(event);
		const { threadActions } = event.locals.services;
		const result = await runForm(
			event,
			reasonOptionalInput,
			(i) => threadActions.restore(event.locals.auth, threadId, i.reason),
			{
				pick: reasonOf,
				form: 'delete'
			}
		);
		if (!('ok' in result)) return result;
		redirect(303, done(threadId));
	},
	close: async (event) => {
		const threadId = threadOf(event);
		const { threadActions } = event.locals.services;
		const result = await runForm(
			event,
			closeWithSynthesisInput,
			(i) => threadActions.closeWithSynthesis(event.locals.auth, threadId, i),
			{ pick: (v) => ({ body: v.body ?? '' }), form: 'close' }
		);
		if (!('ok' in result)) return result;
		redirect(303, done(threadId));
	},
	reopen: async (event) => {
		const threadId = threadOf(event);
		const { threadActions } = event.locals.services;
		const result = await runForm(event, reasonOptionalInput, (i) => threadActions.reopen(event.locals.auth, threadId, i.reason), {
			pick: reasonOf,
			form: 'close'
		});
		if (!('ok' in result)) return result;
		redirect(303, done(threadId));
	},
	slowMode: async (event) => {
		const threadId = threadOf(event);
		const { threadActions } = event.locals.services;
		const result = await runForm(event, setSlowModeInput, (i) => threadActions.setSlowMode(event.locals.auth, threadId, i), {
			// `until` comes from a datetime-local field: the browser's local time, without its zone.
			pick: (v) => ({
				scope: v.scope ?? '',
				seconds: v.seconds?.trim() ? v.seconds : 'absent',
				until: v.until ? localDate(v.until, v.timezoneOffset) : null,
				reason: v.reason ?? ''
			}),
			form: 'slowMode'
		});
		if (!('ok' in result)) return result;
		redirect(303, done(threadId));
	},
	slowModeOff: async (event) => {
		const threadId = threadOf(event);
		const { threadActions } = event.locals.services;
		const result = await runForm(event, setSlowModeInput, (i) => threadActions.setSlowMode(event.locals.auth, threadId, i), {
			pick: (v) => ({ scope: v.scope ?? '', seconds: 0 }),
			form: 'slowModeOff'
		});
		if (!('ok' in result)) return result;
		redirect(303, done(threadId));
	}
};

/**
 * A `datetime-local` value ("2025-03-01T18:00") read in the writer's time zone: the page
 * fills `timezoneOffset` (minutes, as Date#getTimezoneOffset) when scripts run; without it,
 * the value is read as UTC, the zone of most of the network's members (West Africa).
 */
function localDate(value: string, offset: string | undefined): string {
	if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return value;
	const minutes = Number(offset);
	const base = Date.parse(`${value}Z`);
	if (Number.isNaN(base)) return value;
	return new Date(base + (Number.isFinite(minutes) ? minutes * 60_000 : 0)).toISOString();
}
