import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals }) => {
	const user = locals.auth?.user;
	return {
		locale: locals.locale,
		user: user ? { id: user.id, displayName: user.displayName, role: user.role } : null,
		// The header's badge; kept current by 'notification:count' once the socket is up.
		unreadNotifications: user ? await locals.services.notifications.unreadCount(user.id) : 0,
		// The banner on every page until the member has acknowledged a moderators' warning.
		unacknowledgedWarnings: user ? await locals.services.sanctions.unacknowledgedCount(user.id) : 0,
		// The header's « Modération » link: admins, site moderators and space moderators.
		moderates: user
			? user.role === 'admin' ||
				user.role === 'moderator' ||
				(await locals.services.moderation.moderatedSpaceIds(locals.auth)).length > 0
			: false
	};
};
