import { error, redirect } from '@sveltejs/kit';
import { outboxQuery } from '$server/modules/mail/mail.schema';
import type { PageServerLoad } from './$types';

/** The admins' outbox: a plain GET page (filter and pager are links), readable without JavaScript. */
export const load: PageServerLoad = async ({ locals, url }) => {
	if (!locals.auth) redirect(303, `/connexion?next=${encodeURIComponent(url.pathname + url.search)}`);
	// Like the other admin pages: whoever may not read it finds nothing here.
	if (locals.auth.user.role !== 'admin') error(404);

	const status = url.searchParams.get('statut')?.trim() || undefined;
	const before = url.searchParams.get('apres')?.trim() || undefined;
	const parsed = outboxQuery.safeParse({ status, before });
	// An unknown status in a hand-edited URL shows everything rather than an error page.
	const query = parsed.success ? parsed.data : { before };
	const page = await locals.services.mail.outbox(locals.auth, query);

	const filter = new URLSearchParams(query.status ? { statut: query.status } : {});
	const next = new URLSearchParams(filter);
	if (page.next) next.set('apres', page.next);
	return {
		status: query.status ?? '',
		delivers: page.delivers,
		items: page.items,
		nextUrl: page.next ? `?${next}` : null,
		firstUrl: query.before ? `?${filter}` : null
	};
};
