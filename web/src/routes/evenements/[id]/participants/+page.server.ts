import { redirect } from '@sveltejs/kit';
import { eventIdOf } from '$lib/server/events';
import { orHttpError } from '$lib/server/load';
import type { PageServerLoad } from './$types';

/** Organisers' view of who comes: registered in arrival order, then the waiting list. */
export const load: PageServerLoad = async ({ locals, params, url }) => {
	if (!locals.auth) redirect(303, `/connexion?next=${encodeURIComponent(url.pathname)}`);
	const id = eventIdOf(params);
	const [event, participants] = await Promise.all([
		orHttpError(locals.locale, () => locals.services.events.get(locals.auth, id)),
		orHttpError(locals.locale, () => locals.services.events.participants(locals.auth, id))
	]);
	return {
		event: { id: event.id, url: event.url, title: event.title },
		participants,
		csvUrl: `/api/v1/events/${id}/participants?format=csv`
	};
};
