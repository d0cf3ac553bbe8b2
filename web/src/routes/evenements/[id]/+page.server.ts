import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { isAppError } from '$server/lib/errors';
import { translate } from '$server/lib/i18n';
import { eventIdOf, instantLine, timeLines, viewerZone } from '$lib/server/events';
import { orHttpError } from '$lib/server/load';
import type { Actions, PageServerLoad } from './$types';

/** What the page confirms after a redirect (`?fait=…`). */
const done = z.enum(['cree', 'modifie', 'inscrit', 'attente', 'desinscrit', 'ouverte', 'fermee', 'annule']);

/** The live room's link shows this long before the start (the room opens at the start). */
const ROOM_SOON_MS = 60 * 60_000;

export const load: PageServerLoad = async ({ locals, params, url, cookies }) => {
	const id = eventIdOf(params);
	const locale = locals.locale;
	const [event, viewer] = await Promise.all([
		orHttpError(locale, () => locals.services.events.get(locals.auth, id)),
		viewerZone(locals, cookies)
	]);
	// A visitor's page depends on their zone cookie: never replay it to another visitor.

	const now = Date.now();
	const starts = Date.parse(event.startsAt);
	const afterwards = event.phase === 'ended' || event.room.closedAt !== null;
	const transcript = afterwards && event.phase !== 'cancelled' ? await locals.services.room.transcript(locals.auth, id) : null;
	const instant = (iso: string) => instantLine(iso, event.timeZone, viewer, locale);
	const confirmed = done.safeParse(url.searchParams.get('fait'));

	return {
		event: {
			id: event.id,
			url: event.url,
			kind: event.kind,
			title: event.title,
			descriptionHtml: event.descriptionHtml,
			startsAt: event.startsAt,
			timeZone: event.timeZone,
			place: event.place,
			online: event.online,
			onlineUrl: event.onlineUrl,
			countries: event.countries,
			organisers: event.organisers,
			speakers: event.speakers,
			guestSpeakers: event.guestSpeakers,
			registrationOpen: event.registrationOpen,
			phase: event.phase,
			space: { name: event.space.name, url: event.space.url },
			counts: event.counts,
			registration: event.registration,
			room: event.room,
			synthesisHtml: event.synthesisHtml,
			recordingUrl: event.recordingUrl,
			documents: event.documents,
			icsUrl: event.icsUrl,
			can: event.can
		},
		/** The viewer's zone as the server knew it: the page's script compares it with the browser's. */
		viewerZone: viewer,
		times: timeLines(event, viewer, locale, 'long'),
		deadline: event.registrationDeadline ? instant(event.registrationDeadline) : null,
		deadlinePassed: event.registrationDeadline !== null && Date.parse(event.registrationDeadline) <= now,
		linkFrom: event.onlineUrlFrom ? instant(event.onlineUrlFrom) : null,
		roomSoon: !event.room.open && event.phase === 'upcoming' && starts - now <= ROOM_SOON_MS && event.room.closedAt === null,
		transcript,
		done: confirmed.success ? confirmed.data : null
	};
};

/** A refused step (full, deadline passed, not allowed…) as a message at the top of the page. */
function refused(event: RequestEvent, caught: unknown) {
	if (!isAppError(caught)) throw caught;
	const locale = event.locals.locale;
	return fail(caught.status, {
		form: 'step' as const,
		message: translate(caught.messageKey, locale, caught.messageInputs(locale))
	});
}

/** Runs one step of the page, then back to the page with its confirmation (post/redirect/get). */
async function step(event: RequestEvent<{ id: string }>, work: (id: string) => Promise<string>) {
	const { locals, params } = event;
	const id = eventIdOf(params);
	if (!locals.auth) redirect(303, `/connexion?next=${encodeURIComponent(`/evenements/${id}`)}`);
	let confirmation: string;
	try {
		confirmation = await work(id);
	} catch (caught) {
		return refused(event, caught);
	}
	redirect(303, `/evenements/${id}?fait=${confirmation}`);
}

export const actions: Actions = {
	register: (event) =>
		step(event, async (id) => {
			const result = await event.locals.services.events.register(event.locals.auth, id);
			return result.registration?.status === 'waiting' ? 'attente' : 'inscrit';
		}),
	unregister: (event) =>
		step(event, async (id) => {
			await event.locals.services.events.unregister(event.locals.auth, id);
			return 'desinscrit';
		}),
	open: (event) =>
		step(event, async (id) => {
			await event.locals.services.room.open(event.locals.auth, id);
			return 'ouverte';
		}),
	close: (event) =>
		step(event, async (id) => {
			await event.locals.services.room.close(event.locals.auth, id);
			return 'fermee';
		})
};
