import { error, redirect } from '@sveltejs/kit';
import { listUsersQuery, setRoleInput, setStatusInput, userIdParams } from '$server/modules/accounts/accounts.schema';
import { runForm } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

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

/** Both actions read the target from the form; the service re-checks the caller is admin. */
const withTarget = (v: Record<string, string>, key: 'role' | 'status') => ({ [key]: v[key] ?? '' });

export const actions: Actions = {
	role: async (event) => {
		const data = await event.request.clone().formData();
		const target = userIdParams.safeParse({ id: data.get('userId') });
		if (!target.success) error(404);
		const result = await runForm(
			event,
			setRoleInput,
			(input) => event.locals.services.accounts.setRole(event.locals.auth, target.data.id, input.role),
			{ pick: (v) => withTarget(v, 'role'), form: target.data.id }
		);
		if (!('ok' in result)) return result;
		return { changed: { name: result.result.displayName, role: result.result.role } };
	},
	status: async (event) => {
		const data = await event.request.clone().formData();
		const target = userIdParams.safeParse({ id: data.get('userId') });
		if (!target.success) error(404);
		const result = await runForm(
			event,
			setStatusInput,
			(input) => event.locals.services.accounts.setStatus(event.locals.auth, target.data.id, input.status),
			{ pick: (v) => withTarget(v, 'status'), form: target.data.id }
		);
		if (!('ok' in result)) return result;
		return { changed: { name: result.result.displayName, status: result.result.status } };
	}
};
