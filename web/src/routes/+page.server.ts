import { spaceSummary } from '$lib/server/spaces';
import type { PageServerLoad } from './$types';

/** The few spaces with the latest activity: the way in to the discussions. */
export const load: PageServerLoad = async ({ locals }) => {
	const spaces = await locals.services.spaces.list(locals.auth);
	return {
		active: spaces
			.filter((s) => !s.archived)
			.slice(0, 4)
			.map(spaceSummary)
	};
};
