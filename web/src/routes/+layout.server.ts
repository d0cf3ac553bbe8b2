import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals }) => {
	const user = locals.auth?.user;
	return {
		locale: locals.locale,
		user: user ? { id: user.id, displayName: user.displayName, role: user.role } : null,
		// Notification badge, warning banner, « Modération » link: one query (server/modules/accounts/badges.ts).
		...(await locals.services.badges(user))
	};
};
