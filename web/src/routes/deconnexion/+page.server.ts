import { redirect } from '@sveltejs/kit';
import { clearSessionCookie } from '$lib/server/session-cookie';
import type { Actions, PageServerLoad } from './$types';

// Logging out changes state: only by POST (the header's button); a GET just goes home.
export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	default: async ({ locals, cookies }) => {
		await locals.services.accounts.logout(locals.auth);
		clearSessionCookie(cookies, locals.services.config.cookieSecure);
		redirect(303, '/');
	}
};
