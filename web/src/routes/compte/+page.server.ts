import { redirect } from '@sveltejs/kit';
import { changePasswordInput, updateProfileInput } from '$server/modules/accounts/accounts.schema';
import { runForm } from '$lib/server/forms';
import { profileOptions } from '$lib/server/options';
import { clearSessionCookie, requestMeta, setSessionCookie } from '$lib/server/session-cookie';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	if (!locals.auth) redirect(303, `/connexion?next=${encodeURIComponent(url.pathname)}`);
	const [me, sessions] = await Promise.all([
		locals.services.accounts.me(locals.auth),
		locals.services.accounts.listSessions(locals.auth)
	]);
	return { me, sessions, options: profileOptions(locals.locale) };
};

const profileFields = ['displayName', 'bio', 'organisationName', 'organisationType', 'country', 'locale'] as const;

export const actions: Actions = {
	profile: async (event) => {
		const { locals } = event;
		const result = await runForm(
			event,
			updateProfileInput,
			(input) => locals.services.accounts.updateProfile(locals.auth, input),
			{
				pick: (v) => Object.fromEntries(profileFields.map((f) => [f, v[f] ?? ''])),
				form: 'profile'
			}
		);
		if (!('ok' in result)) return result;
		return { saved: 'profile' as const };
	},
	password: async (event) => {
		const { locals, cookies } = event;
		const result = await runForm(
			event,
			changePasswordInput,
			(input) => locals.services.accounts.changePassword(locals.auth, input, requestMeta(event)),
			{ pick: (v) => ({ currentPassword: v.currentPassword ?? '', newPassword: v.newPassword ?? '' }), form: 'password' }
		);
		if (!('ok' in result)) return result;
		setSessionCookie(cookies, locals.services.config.cookieSecure, result.result);
		return { saved: 'password' as const };
	},
	logoutAll: async ({ locals, cookies }) => {
		await locals.services.accounts.logoutEverywhere(locals.auth);
		clearSessionCookie(cookies, locals.services.config.cookieSecure);
		redirect(303, '/connexion');
	}
};
