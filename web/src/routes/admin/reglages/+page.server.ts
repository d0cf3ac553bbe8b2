import { error, redirect } from '@sveltejs/kit';
import { siteSettingsInput } from '$server/modules/moderation/settings.schema';
import { runForm } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	if (!locals.auth) redirect(303, `/connexion?next=${encodeURIComponent(url.pathname)}`);
	if (locals.auth.user.role !== 'admin') error(404);
	return { settings: await locals.services.settings.get(locals.auth) };
};

export const actions: Actions = {
	default: async (event) => {
		const { locals } = event;
		const result = await runForm(event, siteSettingsInput, (input) => locals.services.settings.update(locals.auth, input), {
			pick: (v) => ({ reviewFirstPosts: v.reviewFirstPosts?.trim() ? Number(v.reviewFirstPosts) : '' })
		});
		if (!('ok' in result)) return result;
		return { done: true as const };
	}
};
