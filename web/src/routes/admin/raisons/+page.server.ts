import { error, redirect } from '@sveltejs/kit';
import { createReasonInput, reasonParams, updateReasonInput } from '$server/modules/moderation/reasons.schema';
import { runForm } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	if (!locals.auth) redirect(303, `/connexion?next=${encodeURIComponent(url.pathname)}`);
	if (locals.auth.user.role !== 'admin') error(404);
	return { reasons: await locals.services.reasons.list(locals.auth, locals.locale, { all: true }) };
};

/** A number field: empty stays absent (the schema's default), anything else must parse. */
const integer = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : Number(value));

/** The service re-checks that the caller is an admin: the guard above is a convenience. */
export const actions: Actions = {
	create: async (event) => {
		const { locals } = event;
		const result = await runForm(event, createReasonInput, (input) => locals.services.reasons.create(locals.auth, input), {
			pick: (v) => ({
				code: v.code ?? '',
				labelFr: v.labelFr ?? '',
				labelEn: v.labelEn ?? '',
				position: integer(v.position),
				active: true
			}),
			form: 'create'
		});
		if (!('ok' in result)) return result;
		return { done: 'added' as const, label: result.result.label };
	},
	update: async (event) => {
		const { locals } = event;
		const data = await event.request.clone().formData();
		const target = reasonParams.safeParse({ id: data.get('id') });
		if (!target.success) error(404);
		const result = await runForm(
			event,
			updateReasonInput,
			(input) => locals.services.reasons.update(locals.auth, target.data.id, input),
			{
				pick: (v) => ({
					labelFr: v.labelFr ?? '',
					labelEn: v.labelEn ?? '',
					position: integer(v.position) ?? '',
					// An unchecked box sends nothing: the reason is deactivated.
					active: v.active === 'on'
				}),
				form: target.data.id
			}
		);
		if (!('ok' in result)) return result;
		return { done: 'saved' as const, label: result.result.label };
	}
};
