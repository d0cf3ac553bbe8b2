import { error, fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { isAppError } from '$server/lib/errors';
import { translate } from '$server/lib/i18n';
import { cancelEventInput, updateEventInput } from '$server/modules/events/events.schema';
import { eventFailure, eventIdOf, readEventForm, runEventForm, zoneOptions } from '$lib/server/events';
import { orHttpError } from '$lib/server/load';
import { profileOptions } from '$lib/server/options';
import type { Actions, PageServerLoad } from './$types';

/** The main form's fields, as named in `updateEventInput`. */
const FIELDS = [
	'kind',
	'title',
	'description',
	'startsAt',
	'endsAt',
	'timeZone',
	'place',
	'onlineUrl',
	'countries',
	'organisers',
	'speakers',
	'guestSpeakers',
	'capacity',
	'registrationDeadline'
] as const;
const AFTER_FIELDS = ['synthesis', 'recordingUrl'] as const;

const done = z.enum(['apres', 'document', 'supprime']);
const documentTarget = z.strictObject({ documentId: z.uuid('error_not_found') });

export const load: PageServerLoad = async ({ locals, params, url }) => {
	if (!locals.auth) redirect(303, `/connexion?next=${encodeURIComponent(url.pathname)}`);
	const id = eventIdOf(params);
	const event = await orHttpError(locals.locale, () => locals.services.events.get(locals.auth, id));
	if (!event.can.edit) error(403, { message: translate('error_forbidden', locals.locale), code: 'forbidden' });
	const handles = (people: { handle: string }[]) => people.map((p) => `@${p.handle}`).join(', ');
	const confirmed = done.safeParse(url.searchParams.get('fait'));
	return {
		event: {
			id: event.id,
			url: event.url,
			title: event.title,
			phase: event.phase,
			documents: event.documents,
			space: { name: event.space.name, url: event.space.url },
			can: event.can
		},
		values: {
			kind: event.kind,
			title: event.title,
			description: event.description,
			startsAt: event.localStartsAt,
			endsAt: event.localEndsAt,
			timeZone: event.timeZone,
			place: event.place ?? '',
			onlineUrl: event.onlineUrl ?? '',
			countries: event.countries.join(','),
			organisers: handles(event.organisers),
			speakers: handles(event.speakers),
			guestSpeakers: event.guestSpeakers.join('\n'),
			capacity: event.capacity === null ? '' : String(event.capacity),
			registrationDeadline: event.localRegistrationDeadline ?? ''
		} as Record<string, string>,
		after: { synthesis: event.synthesis, recordingUrl: event.recordingUrl ?? '' } as Record<string, string>,
		zones: zoneOptions(locals.locale),
		countries: profileOptions(locals.locale).countries,
		done: confirmed.success ? confirmed.data : null
	};
};

function signedIn(event: RequestEvent<{ id: string }>): string {
	const id = eventIdOf(event.params);
	if (!event.locals.auth) redirect(303, `/connexion?next=${encodeURIComponent(`/evenements/${id}/modifier`)}`);
	return id;
}

/** A refused document step, shown beside the documents. */
function documentFailure(event: RequestEvent, caught: unknown) {
	if (!isAppError(caught)) throw caught;
	const locale = event.locals.locale;
	return fail(caught.status, {
		form: 'documents',
		message: translate(caught.messageKey, locale, caught.messageInputs(locale)),
		fields: {} as Record<string, string>,
		values: {} as Record<string, string>
	});
}

export const actions: Actions = {
	save: async (event) => {
		const id = signedIn(event);
		const { locals } = event;
		const result = await runEventForm(event, updateEventInput, FIELDS, 'save', (input) =>
			locals.services.events.update(locals.auth, id, input)
		);
		if (!('ok' in result)) return result;
		redirect(303, `/evenements/${id}?fait=modifie`);
	},
	after: async (event) => {
		const id = signedIn(event);
		const { locals } = event;
		const result = await runEventForm(event, updateEventInput, AFTER_FIELDS, 'after', (input) =>
			locals.services.events.update(locals.auth, id, input)
		);
		if (!('ok' in result)) return result;
		redirect(303, `/evenements/${id}/modifier?fait=apres#apres`);
	},
	attach: async (event) => {
		const id = signedIn(event);
		const { locals } = event;
		const file = (await event.request.formData()).get('fichier');
		if (!(file instanceof File) || file.size === 0 || !file.name) {
			return fail(400, {
				form: 'documents',
				message: translate('event_document_missing', locals.locale),
				fields: { fichier: translate('event_document_missing', locals.locale) } as Record<string, string>,
				values: {} as Record<string, string>
			});
		}
		try {
			await locals.services.events.uploadDocument(locals.auth, id, {
				filename: file.name,
				bytes: Buffer.from(await file.arrayBuffer())
			});
		} catch (caught) {
			return documentFailure(event, caught);
		}
		redirect(303, `/evenements/${id}/modifier?fait=document#documents`);
	},
	detach: async (event) => {
		const id = signedIn(event);
		const { locals } = event;
		const parsed = documentTarget.safeParse({ documentId: (await event.request.formData()).get('documentId') });
		if (!parsed.success) error(404);
		try {
			await locals.services.events.removeDocument(locals.auth, id, parsed.data.documentId);
		} catch (caught) {
			return documentFailure(event, caught);
		}
		redirect(303, `/evenements/${id}/modifier?fait=supprime#documents`);
	},
	cancel: async (event) => {
		const id = signedIn(event);
		const { locals } = event;
		const { values } = readEventForm(await event.request.clone().formData(), ['reason', 'confirm']);
		// Cancelling tells every participant: a ticked box says the organiser meant it.
		if (values.confirm !== 'oui') {
			return eventFailure(400, locals.locale, 'form_errors_summary', { confirm: 'event_error_confirm_cancel' }, values, 'cancel');
		}
		const result = await runEventForm(event, cancelEventInput, ['reason'], 'cancel', (input) =>
			locals.services.events.cancel(locals.auth, id, input)
		);
		if (!('ok' in result)) return result;
		redirect(303, `/evenements/${id}?fait=annule`);
	}
};
