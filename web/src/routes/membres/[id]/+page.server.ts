import { error } from '@sveltejs/kit';
import { userIdParams } from '$server/modules/accounts/accounts.schema';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	const parsed = userIdParams.safeParse(params);
	if (!parsed.success) error(404);
	return { member: await locals.services.accounts.member(locals.auth, parsed.data.id) };
};
