import { redirect } from '@sveltejs/kit';
import { createEventInput } from '$server/modules/events/events.schema';
import { runEventForm, zoneOptions } from '$lib/server/events';
import { profileOptions } from '$lib/server/options';
import type { Actions, PageServerLoad } from './$types';

/** The fields of the creation form, as named in `createEventInput`. */
const FIELDS = [
	'space',
	'kind',
	'title',
	'description',
	'startsAt',
	'endsAt',
	'timeZone',
	'place',
	'onlineUrl',
	'countries',
	'organisers',
	'speakers',
	'guestSpeakers',
	'capacity',
	'registrationDeadline'
] as const;

export const load: PageServerLoad = async ({ locals, url }) => {
	if (!locals.auth) redirect(303, `/connexion?next=${encodeURIComponent(url.pathname + url.search)}`);
	const [spaces, zone] = await Promise.all([
		locals.services.events.hostableSpaces(locals.auth),
		locals.services.events.viewerTimeZone(locals.auth)
	]);
	const wanted = url.searchParams.get('espace') ?? '';
	return {
		spaces,
		// The host's own zone (their setting, else their country's) until they pick another.
		values: {
			space: spaces.some((s) => s.slug === wanted) ? wanted : (spaces[0]?.slug ?? ''),
			kind: 'atelier',
			timeZone: zone
		} as Record<string, string>,
		zones: zoneOptions(locals.locale),
		countries: profileOptions(locals.locale).countries
	};
};

export const actions: Actions = {
	create: async (event) => {
		const { locals } = event;
		if (!locals.auth) redirect(303, '/connexion?next=/evenements/nouveau');
		const result = await runEventForm(event, createEventInput, FIELDS, 'create', (input) =>
			locals.services.events.create(locals.auth, input)
		);
		if (!('ok' in result)) return result;
		redirect(303, `${result.result.url}?fait=cree`);
	}
};
