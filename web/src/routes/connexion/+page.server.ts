import { redirect } from '@sveltejs/kit';
import { loginInput } from '$server/modules/accounts/accounts.schema';
import { runForm, safeNext } from '$lib/server/forms';
import { requestMeta, setSessionCookie } from '$lib/server/session-cookie';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.auth) redirect(303, safeNext(url.searchParams.get('next')));
	return { next: safeNext(url.searchParams.get('next')) };
};

export const actions: Actions = {
	default: async (event) => {
		const { locals, cookies, url } = event;
		const result = await runForm(event, loginInput, (input) => locals.services.accounts.login(input, requestMeta(event)), {
			pick: (v) => ({ email: v.email ?? '', password: v.password ?? '' })
		});
		if (!('ok' in result)) return result;
		setSessionCookie(cookies, locals.services.config.cookieSecure, result.result.session);
		redirect(303, safeNext(url.searchParams.get('next')));
	}
};
