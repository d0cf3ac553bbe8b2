import { redirect } from '@sveltejs/kit';
import { warningParams } from '$server/modules/moderation/sanctions.schema';
import { runForm } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	if (!locals.auth) redirect(303, `/connexion?next=${encodeURIComponent(url.pathname)}`);
	const warnings = await locals.services.sanctions.myWarnings(locals.auth);
	return {
		warnings: warnings.map((w) => ({
			id: w.id,
			message: w.message,
			createdAt: w.createdAt,
			acknowledgedAt: w.acknowledgedAt,
			moderator: w.moderator.displayName
		}))
	};
};

export const actions: Actions = {
	/** The service answers 404 for anyone else's warning: only the warned member acknowledges. */
	acknowledge: async (event) => {
		const { locals } = event;
		const result = await runForm(
			event,
			warningParams,
			(input) => locals.services.sanctions.acknowledgeWarning(locals.auth, input.id),
			{ pick: (v) => ({ id: v.id ?? '' }) }
		);
		if (!('ok' in result)) return result;
		return { acknowledged: result.result.id };
	}
};
