import { error, redirect } from '@sveltejs/kit';
import { listUsersQuery, setRoleInput, userIdParams } from '$server/modules/accounts/accounts.schema';
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
 * The action names its target in a hidden `userId` field. The service re-checks that the
 * caller is an admin: the page guard above is a convenience, not the gate. Suspensions are
 * made on the member's page, with a reason and an end (services.sanctions).
 */
async function roleAction(event: RequestEvent) {
	const data = await event.request.clone().formData();
	const target = userIdParams.safeParse({ id: data.get('userId') });
	if (!target.success) error(404);
	const { accounts } = event.locals.services;
	const result = await runForm(event, setRoleInput, (input) => accounts.setRole(event.locals.auth, target.data.id, input.role), {
		pick: (v) => ({ role: v.role ?? '' }),
		form: target.data.id
	});
	if (!('ok' in result)) return result;
	const { displayName: name, role } = result.result;
	return { changed: { name, role } };
}

export const actions: Actions = {
	role: roleAction
};
