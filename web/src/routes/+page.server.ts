import { eventKindLabel } from '$lib/components/events/labels';
import { timeLines } from '$lib/server/events';
import { spaceSummary } from '$lib/server/spaces';
import type { PageServerLoad } from './$types';

/** The few spaces with the latest activity: the way in to the discussions; the next events. */
export const load: PageServerLoad = async ({ locals }) => {
	const [spaces, events, zone] = await Promise.all([
		locals.services.spaces.list(locals.auth),
		locals.services.events.list(locals.auth, { limite: 3 }),
		// Visitors see the events' own zones: the home page is shared by every visitor (page cache).
		locals.auth ? locals.services.events.viewerTimeZone(locals.auth) : Promise.resolve(null)
	]);
	return {
		upcomingEvents: events.items.map((e) => ({
			id: e.id,
			url: e.url,
			title: e.title,
			// Labelled here: the home page's script stays free of the events' messages (each a chunk to fetch).
			kind: eventKindLabel[e.kind](),
			startsAt: e.startsAt,
			times: timeLines(e, zone, locals.locale, 'short')
		})),
		active: spaces
			.filter((s) => !s.archived)
			.slice(0, 4)
			.map(spaceSummary)
	};
};
