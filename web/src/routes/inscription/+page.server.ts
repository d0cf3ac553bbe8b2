import { redirect } from '@sveltejs/kit';
import { signupInput } from '$server/modules/accounts/accounts.schema';
import { runForm } from '$lib/server/forms';
import { profileOptions } from '$lib/server/options';
import { requestMeta, setSessionCookie } from '$lib/server/session-cookie';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) => {
	if (locals.auth) redirect(303, '/');
	return { options: profileOptions(locals.locale), locale: locals.locale };
};

const fields = ['displayName', 'email', 'password', 'organisationName', 'organisationType', 'country', 'locale'] as const;

export const actions: Actions = {
	default: async (event) => {
		const { locals, cookies } = event;
		const result = await runForm(event, signupInput, (input) => locals.services.accounts.signup(input, requestMeta(event)), {
			pick: (v) => ({ ...Object.fromEntries(fields.map((f) => [f, v[f] ?? ''])), locale: v.locale || undefined })
		});
		if (!('ok' in result)) return result;
		setSessionCookie(cookies, locals.services.config.cookieSecure, result.result.session);
		redirect(303, '/compte');
	}
};
