import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals }) => {
	const user = locals.auth?.user;
	return {
		locale: locals.locale,
		user: user ? { id: user.id, displayName: user.displayName, role: user.role } : null
	};
};
