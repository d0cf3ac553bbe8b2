import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { plainTextExcerpt } from '$server/lib/markdown';
import { slugSchema } from '$server/modules/spaces/spaces.schema';
import { runForm } from '$lib/server/forms';
import { spaceSummary } from '$lib/server/spaces';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const { spaces } = locals.services;
	const [list, invitations] = await Promise.all([
		spaces.list(locals.auth),
		locals.auth ? spaces.invitations(locals.auth) : Promise.resolve([])
	]);
	return {
		spaces: list.map((space) => ({ ...spaceSummary(space), excerpt: plainTextExcerpt(space.description, 180) })),
		invitations
	};
};

export const actions: Actions = {
	/** Accepting an invitation is joining the private space it opens. */
	accept: async (event) => {
		const { locals } = event;
		const result = await runForm(event, z.strictObject({ slug: slugSchema }), (input) =>
			locals.services.spaces.join(locals.auth, input.slug).then(() => input.slug)
		);
		if (!('ok' in result)) return result;
		redirect(303, `/espaces/${result.result}`);
	}
};
