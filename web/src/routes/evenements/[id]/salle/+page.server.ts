import { randomUUID } from 'node:crypto';
import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import {
	eventIdParams,
	roomAskPayload,
	roomModeratePayload,
	roomSendPayload,
	roomVotePayload
} from '$server/modules/events/room.schema';
import { eventTimes } from '$lib/event-time';
import { runForm } from '$lib/server/forms';
import { orHttpError } from '$lib/server/load';
import type { Actions, PageServerLoad } from './$types';

/*
 * The live room of an event. Without JavaScript it is a plain page: the latest lines and
 * questions, and forms that post here and come back (post/redirect/get), with a refresh
 * link. With it, the page's socket keeps it current (room-live.svelte.ts) and chat lines
 * leave through the device's outbox; the other forms stay these actions, enhanced.
 */

/**
 * Lines the page is rendered with (pinned ones aside): on a metered link every line is paid
 * twice, in the HTML and in the data that hydrates it. The live view keeps what arrives next.
 */
const PAGE_LINES = 30;

function eventIdOf(params: { id: string }): string {
	const parsed = eventIdParams.safeParse({ id: params.id });
	if (!parsed.success) error(404);
	return parsed.data.id;
}

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const eventId = eventIdOf(params);
	const { auth, services, locale } = locals;
	// Loading the event is the access check (404 when its space is not readable).
	const ctx = await orHttpError(locale, () => services.events.context(auth, eventId));
	const [watch, viewerZone] = await Promise.all([
		orHttpError(locale, () => services.room.watch(auth, eventId)),
		services.events.viewerTimeZone(auth)
	]);
	const { event } = ctx;
	const recent = new Set(watch.messages.slice(-PAGE_LINES).map((l) => l.id));
	return {
		event: {
			id: event.id,
			url: `/evenements/${event.id}`,
			title: event.title,
			kind: event.kind,
			startsAt: event.startsAt.toISOString(),
			cancelled: event.cancelledAt !== null,
			times: eventTimes(event, viewerZone, locale)
		},
		room: { ...watch, messages: watch.messages.filter((l) => l.pinned || recent.has(l.id)) },
		userId: auth?.user.id ?? null,
		viewerZone,
		// Idempotency keys chosen at render: a form posted twice (double tap, resend after a
		// lost answer) is stored once. The browser makes its own for each later line.
		keys: { send: randomUUID(), ask: randomUUID(), announce: randomUUID() },
		loginUrl: `/connexion?next=${encodeURIComponent(url.pathname)}`
	};
};

/** Back to the room after a form, at what it changed. */
function back(event: RequestEvent, anchor: string): never {
	redirect(303, `${event.url.pathname}#${anchor}`);
}

/** The moderation form's fields as the socket payload: only the keys the action has (the schema is strict). */
function moderation(eventId: string, v: Record<string, string>): Record<string, unknown> {
	const input: Record<string, unknown> = { eventId, action: v.action ?? '' };
	for (const key of ['messageId', 'questionId', 'userId'] as const) if (v[key] !== undefined) input[key] = v[key];
	if (v.answer !== undefined) input.answer = v.answer;
	if (v.seconds !== undefined) input.seconds = v.seconds === '' || v.seconds === '0' ? null : Number(v.seconds);
	return input;
}

/** Where a moderation form's error shows: beside its line, its question, its member, or the room's controls. */
function moderationForm(v: Record<string, string>): string {
	if (v.messageId) return `m-${v.messageId}`;
	if (v.questionId) return `q-${v.questionId}`;
	if (v.userId) return `u-${v.userId}`;
	return 'controls';
}

export const actions: Actions = {
	send: async (event) => {
		const eventId = eventIdOf(event.params);
		const { locals } = event;
		const result = await runForm(event, roomSendPayload, (input) => locals.services.room.send(locals.auth, input), {
			pick: (v) => ({ eventId, clientKey: v.clientKey ?? '', body: v.body ?? '' }),
			form: 'send'
		});
		if (!('ok' in result)) return result;
		back(event, `m-${result.result.message.seq}`);
	},
	announce: async (event) => {
		const eventId = eventIdOf(event.params);
		const { locals } = event;
		const result = await runForm(event, roomSendPayload, (input) => locals.services.room.send(locals.auth, input), {
			pick: (v) => ({ eventId, clientKey: v.clientKey ?? '', body: v.body ?? '', kind: 'announcement' }),
			form: 'announce'
		});
		if (!('ok' in result)) return result;
		back(event, 'annonces');
	},
	ask: async (event) => {
		const eventId = eventIdOf(event.params);
		const { locals } = event;
		const result = await runForm(event, roomAskPayload, (input) => locals.services.room.ask(locals.auth, input), {
			pick: (v) => ({ eventId, clientKey: v.clientKey ?? '', body: v.body ?? '' }),
			form: 'ask'
		});
		if (!('ok' in result)) return result;
		back(event, `q-${result.result.question.id}`);
	},
	vote: async (event) => {
		const eventId = eventIdOf(event.params);
		const { locals } = event;
		let form = 'ask';
		const result = await runForm(event, roomVotePayload, (input) => locals.services.room.vote(locals.auth, input), {
			pick: (v) => {
				form = `q-${v.questionId ?? ''}`;
				return { eventId, questionId: v.questionId ?? '' };
			}
		});
		if (!('ok' in result)) {
			if (result.data) result.data.form = form;
			return result;
		}
		back(event, `q-${result.result.question.id}`);
	},
	moderate: async (event) => {
		const eventId = eventIdOf(event.params);
		const { locals } = event;
		let form = 'controls';
		let anchor = 'moderation';
		const result = await runForm(
			event,
			roomModeratePayload,
			(input) => locals.services.room.moderate(locals.auth, input as z.output<typeof roomModeratePayload>),
			{
				pick: (v) => {
					form = moderationForm(v);
					anchor = v.messageId || v.userId ? 'discussion' : v.questionId ? `q-${v.questionId}` : 'moderation';
					return moderation(eventId, v);
				}
			}
		);
		if (!('ok' in result)) {
			if (result.data) result.data.form = form;
			return result;
		}
		back(event, anchor);
	},
	open: async (event) => {
		const eventId = eventIdOf(event.params);
		const { locals } = event;
		const result = await runForm(event, z.object({}), () => locals.services.room.open(locals.auth, eventId), {
			form: 'controls'
		});
		if (!('ok' in result)) return result;
		back(event, 'moderation');
	},
	close: async (event) => {
		const eventId = eventIdOf(event.params);
		const { locals } = event;
		const result = await runForm(event, z.object({}), () => locals.services.room.close(locals.auth, eventId), {
			form: 'controls'
		});
		if (!('ok' in result)) return result;
		back(event, 'moderation');
	}
};
