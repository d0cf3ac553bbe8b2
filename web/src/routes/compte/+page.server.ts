import { redirect } from '@sveltejs/kit';
import { changePasswordInput, updateProfileInput } from '$server/modules/accounts/accounts.schema';
import { zoneOfCountry } from '$server/modules/events/time-zones';
import { zoneOptionLabel } from '$lib/event-time';
import { zoneOptions } from '$lib/server/events';
import { runForm } from '$lib/server/forms';
import { profileOptions } from '$lib/server/options';
import { clearSessionCookie, requestMeta, setSessionCookie } from '$lib/server/session-cookie';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	if (!locals.auth) redirect(303, `/connexion?next=${encodeURIComponent(url.pathname)}`);
	const [me, sessions, calendarFeed] = await Promise.all([
		locals.services.accounts.me(locals.auth),
		locals.services.accounts.listSessions(locals.auth),
		locals.services.events.calendarFeedStatus(locals.auth)
	]);
	const countryZone = zoneOfCountry(me.country);
	return {
		me,
		sessions,
		options: profileOptions(locals.locale),
		zones: zoneOptions(locals.locale),
		/** What « automatic » means for this member: their country's zone, named. */
		countryZone: countryZone ? zoneOptionLabel(countryZone, locals.locale) : null,
		calendarFeed
	};
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
	timeZone: async (event) => {
		const { locals } = event;
		const result = await runForm(
			event,
			updateProfileInput,
			(input) => locals.services.accounts.updateProfile(locals.auth, input),
			{ pick: (v) => ({ timeZone: v.timeZone ?? '' }), form: 'timeZone' }
		);
		if (!('ok' in result)) return result;
		return { saved: 'timeZone' as const };
	},
	/** A new private feed address (the previous one stops working): shown once, here. */
	calendarFeed: async ({ locals }) => {
		const feed = await locals.services.events.createCalendarFeed(locals.auth);
		return { saved: 'calendarFeed' as const, feedUrl: feed.url };
	},
	revokeCalendarFeed: async ({ locals }) => {
		await locals.services.events.revokeCalendarFeed(locals.auth);
		return { saved: 'calendarFeedRevoked' as const };
	},
	logoutAll: async ({ locals, cookies }) => {
		await locals.services.accounts.logoutEverywhere(locals.auth);
		clearSessionCookie(cookies, locals.services.config.cookieSecure);
		redirect(303, '/connexion');
	}
};
