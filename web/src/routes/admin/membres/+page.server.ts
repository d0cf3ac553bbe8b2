import { error, redirect } from '@sveltejs/kit';
import { listUsersQuery, setRoleInput, setStatusInput, userIdParams } from '$server/modules/accounts/accounts.schema';
import { runForm } from '$lib/server/forms';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	if (!locals.auth) redirect(303, `/connexion?next=${encodeURIComponent(url.pathname + url.search)}`);
	if (locals.auth.user.role !== 'admin') error(404);
	const query = listUsersQuery.safeParse({
		q: url.searchParams.get('q') || undefined,
		after: url.searchParams.get('apres') || undefined
	});
	const filter = query.success ? query.data : {};
	const page = await locals.services.accounts.listMembers(locals.auth, filter);
	return { ...page, q: filter.q ?? '', selfId: locals.auth.user.id };
};

/**
 * Both actions name their target in a hidden `userId` field. The service re-checks that the
 * caller is an admin: the page guard above is a convenience, not the gate.
 */
function accountAction(key: 'role' | 'status') {
	return async (event: RequestEvent) => {
		const data = await event.request.clone().formData();
		const target = userIdParams.safeParse({ id: data.get('userId') });
		if (!target.success) error(404);
		const { accounts } = event.locals.services;
		const auth = event.locals.auth;
		const options = { pick: (v: Record<string, string>) => ({ [key]: v[key] ?? '' }), form: target.data.id };
		const result =
			key === 'role'
				? await runForm(event, setRoleInput, (input) => accounts.setRole(auth, target.data.id, input.role), options)
				: await runForm(event, setStatusInput, (input) => accounts.setStatus(auth, target.data.id, input.status), options);
		if (!('ok' in result)) return result;
		const { displayName: name, role, status } = result.result;
		return { changed: key === 'role' ? { name, role } : { name, status } };
	};
}

export const actions: Actions = {
	role: accountAction('role'),
	status: accountAction('status')
};
