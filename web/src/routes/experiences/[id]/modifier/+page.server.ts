import { error, fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { isAppError } from '$server/lib/errors';
import { translate } from '$server/lib/i18n';
import { experienceIdParams } from '$server/modules/experiences/experiences.schema';
import {
	addRowAction,
	check,
	contentToState,
	formFailure,
	placeOptions,
	readForm,
	serviceFailure,
	withSpareRows
} from '$lib/server/experiences';
import { orHttpError } from '$lib/server/load';
import type { Actions, PageServerLoad } from './$types';

const done = z.enum(['brouillon', 'fichier', 'supprime']);

function fiche(params: { id: string }): string {
	const id = experienceIdParams.safeParse({ id: params.id });
	if (!id.success) error(404);
	return id.data.id;
}

export const load: PageServerLoad = async ({ locals, params, url }) => {
	if (!locals.auth) redirect(303, `/connexion?next=${encodeURIComponent(url.pathname)}`);
	const id = fiche(params);
	const experience = await orHttpError(locals.locale, () => locals.services.experiences.get(locals.auth, id));
	if (!experience.can.edit) error(403, { message: translate('error_forbidden', locals.locale), code: 'forbidden' });
	const confirmed = done.safeParse(url.searchParams.get('fait'));
	return {
		experience: {
			id: experience.id,
			url: experience.url,
			status: experience.status,
			title: experience.content.title,
			space: experience.space,
			publishedVersion: experience.publishedVersion,
			returnComment: experience.returnComment,
			attachments: experience.attachments,
			can: experience.can
		},
		state: withSpareRows(contentToState(experience.content, experience.contact)),
		places: placeOptions(locals.locale),
		// Offered as the contact person while typing (any member may be named by @handle).
		suggestions: experience.authors.map((a) => ({ handle: a.handle, displayName: a.displayName })),
		done: confirmed.success ? confirmed.data : null
	};
};

/** Saves the working copy (lenient), then submits it when `strict`; back to the form on errors. */
async function save(event: RequestEvent<{ id: string }>, strict: boolean) {
	const { locals, params } = event;
	const id = fiche(params);
	const state = readForm(await event.request.formData());
	const draft = check(state, false);
	if (!draft.ok) return formFailure(400, locals.locale, 'expweb_draft_errors', draft.fields, state, draft.origins);
	try {
		await locals.services.experiences.update(locals.auth, id, draft.content);
	} catch (caught) {
		return serviceFailure(caught, locals.locale, state, draft.origins);
	}
	if (!strict) redirect(303, `/experiences/${id}/modifier?fait=brouillon`);
	// The draft is saved whatever happens next: nothing typed is lost.
	const strictCheck = check(state, true);
	if (!strictCheck.ok)
		return formFailure(400, locals.locale, 'expweb_submit_errors', strictCheck.fields, state, strictCheck.origins);
	try {
		await locals.services.experiences.submit(locals.auth, id);
	} catch (caught) {
		return serviceFailure(caught, locals.locale, state, strictCheck.origins);
	}
	redirect(303, `/experiences/${id}?fait=soumise`);
}

function attachFailure(event: RequestEvent, caught: unknown) {
	if (!isAppError(caught)) throw caught;
	const locale = event.locals.locale;
	return fail(caught.status, {
		form: 'attach' as const,
		message: translate(caught.messageKey, locale, caught.messageInputs(locale))
	});
}

const attachmentTarget = z.strictObject({ attachmentId: z.uuid('error_not_found') });

export const actions: Actions = {
	addRow: ({ request }) => addRowAction(request),
	save: (event) => save(event, false),
	submit: (event) => save(event, true),
	attach: async (event) => {
		const { locals, params } = event;
		const id = fiche(params);
		const file = (await event.request.formData()).get('fichier');
		if (!(file instanceof File) || file.size === 0 || !file.name) {
			return fail(400, { form: 'attach' as const, message: translate('expweb_attach_missing', locals.locale) });
		}
		try {
			await locals.services.attachments.upload(locals.auth, id, {
				filename: file.name,
				bytes: Buffer.from(await file.arrayBuffer())
			});
		} catch (caught) {
			return attachFailure(event, caught);
		}
		redirect(303, `/experiences/${id}/modifier?fait=fichier#pieces-jointes`);
	},
	detach: async (event) => {
		const { locals, params } = event;
		const id = fiche(params);
		const parsed = attachmentTarget.safeParse({ attachmentId: (await event.request.formData()).get('attachmentId') });
		if (!parsed.success) error(404);
		try {
			await locals.services.attachments.remove(locals.auth, parsed.data.attachmentId);
		} catch (caught) {
			return attachFailure(event, caught);
		}
		redirect(303, `/experiences/${id}/modifier?fait=supprime#pieces-jointes`);
	}
};
