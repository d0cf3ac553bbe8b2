import { redirect } from '@sveltejs/kit';
import { LOCALE_COOKIE, isLocale } from '$server/lib/locale';
import { safeNext } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	/** FR / EN switch: remembered in a cookie, and as the preference of a signed-in user. */
	default: async ({ request, cookies, locals }) => {
		const data = await request.formData();
		const locale = data.get('locale');
		const next = safeNext(typeof data.get('next') === 'string' ? String(data.get('next')) : '/');
		if (isLocale(locale)) {
			cookies.set(LOCALE_COOKIE, locale, {
				path: '/',
				httpOnly: false,
				sameSite: 'lax',
				secure: locals.services.config.cookieSecure,
				maxAge: 365 * 24 * 3600
			});
			if (locals.auth) await locals.services.accounts.updateProfile(locals.auth, { locale });
		}
		redirect(303, next);
	}
};
