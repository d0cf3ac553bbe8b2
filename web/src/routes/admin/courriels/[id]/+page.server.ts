import { error, redirect } from '@sveltejs/kit';
import { orHttpError } from '$lib/server/load';
import { outboxIdParams } from '$server/modules/mail/mail.schema';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url }) => {
	if (!locals.auth) redirect(303, `/connexion?next=${encodeURIComponent(url.pathname)}`);
	if (locals.auth.user.role !== 'admin') error(404);
	const parsed = outboxIdParams.safeParse(params);
	if (!parsed.success) error(404);
	const auth = locals.auth;
	return { mail: await orHttpError(locals.locale, () => locals.services.mail.outboxItem(auth, parsed.data.id)) };
};
