import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals }) => {
	const user = locals.auth?.user;
	return {
		locale: locals.locale,
		user: user ? { id: user.id, displayName: user.displayName, role: user.role } : null,
		// The header's badge; kept current by 'notification:count' once the socket is up.
		unreadNotifications: user ? await locals.services.notifications.unreadCount(user.id) : 0
	};
};
