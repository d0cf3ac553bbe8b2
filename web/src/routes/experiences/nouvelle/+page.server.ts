import { redirect } from '@sveltejs/kit';
import {
	addRowAction,
	check,
	emptyState,
	formFailure,
	placeOptions,
	readForm,
	serviceFailure,
	withSpareRows
} from '$lib/server/experiences';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

async function postable(locals: App.Locals) {
	const spaces = await locals.services.spaces.list(locals.auth);
	return spaces.filter((s) => s.can.post && !s.archived).map((s) => ({ slug: s.slug, name: s.name }));
}

export const load: PageServerLoad = async ({ locals, url }) => {
	if (!locals.auth) redirect(303, `/connexion?next=${encodeURIComponent(url.pathname + url.search)}`);
	const [spaces, me] = await Promise.all([postable(locals), locals.services.accounts.me(locals.auth)]);
	const wanted = url.searchParams.get('espace') ?? '';
	return {
		spaces,
		space: spaces.some((s) => s.slug === wanted) ? wanted : (spaces[0]?.slug ?? ''),
		state: withSpareRows(emptyState()),
		places: placeOptions(locals.locale),
		// Offered as the contact person while typing (any member may be named by @handle).
		suggestions: [{ handle: me.handle, displayName: me.displayName }]
	};
};

/** Saves the new fiche as a draft, then submits it when `strict`; back to the form on errors. */
async function create(event: RequestEvent, strict: boolean) {
	const { locals } = event;
	if (!locals.auth) redirect(303, '/connexion?next=/experiences/nouvelle');
	const data = await event.request.formData();
	const state = readForm(data);
	const space = String(data.get('space') ?? '');
	const checked = check(state, strict);
	if (!checked.ok) {
		return formFailure(
			400,
			locals.locale,
			strict ? 'expweb_submit_errors' : 'expweb_draft_errors',
			checked.fields,
			state,
			checked.origins,
			space
		);
	}
	if (!space)
		return formFailure(400, locals.locale, 'expweb_draft_errors', { space: 'exp_error_required' }, state, checked.origins, space);
	let id: string;
	try {
		const created = await locals.services.experiences.create(locals.auth, { spaceSlug: space, content: checked.content });
		id = created.id;
		if (strict) await locals.services.experiences.submit(locals.auth, id);
	} catch (caught) {
		return serviceFailure(caught, locals.locale, state, checked.origins, space);
	}
	redirect(303, strict ? `/experiences/${id}?fait=soumise` : `/experiences/${id}/modifier?fait=brouillon`);
}

export const actions: Actions = {
	addRow: ({ request }) => addRowAction(request),
	save: (event) => create(event, false),
	submit: (event) => create(event, true)
};
