import { error, fail, type ActionFailure, type Cookies } from '@sveltejs/kit';
import type { z } from 'zod';
import type { Locale } from '$db/schema/values';
import { issuesToFields } from '$server/lib/error-handler';
import { isAppError, isRateLimited, type FieldErrors } from '$server/lib/errors';
import { translate } from '$server/lib/i18n';
import { countryCodes } from '$server/modules/accounts/countries';
import { eventIdParams } from '$server/modules/events/events.schema';
import { isValidTimeZone, timeZoneNames, TZ_COOKIE, zoneOfCountry } from '$server/modules/events/time-zones';
import { eventTimes, zoneOptionLabel } from '$lib/event-time';
import { countryName } from '$lib/labels';
import type { FormFailure } from './forms';

/*
 * Server glue of the events pages: the event id of a route, the viewer's zone, the times as
 * the pages print them, the zone select's options, and the form-action half of the event
 * forms (which carry a multi-valued field, the countries, that `runForm` would flatten).
 */

/** The route's event id, or a 404 (a malformed id is as missing as an unknown one). */
export function eventIdOf(params: { id: string }): string {
	const parsed = eventIdParams.safeParse({ id: params.id });
	if (!parsed.success) error(404);
	return parsed.data.id;
}

/**
 * The zone times are shown in for this reader: a member's own setting or their country's
 * zone (the service decides), a visitor's browser zone (cookie), else null — the pages
 * then show the event's zone only.
 */
export async function viewerZone(locals: App.Locals, cookies: Cookies): Promise<string | null> {
	if (locals.auth) return locals.services.events.viewerTimeZone(locals.auth);
	const zone = cookies.get(TZ_COOKIE);
	return zone && isValidTimeZone(zone) ? zone : null;
}

/** An event's times as text: on its own clock, and on the viewer's when that differs. */
export function timeLines(
	event: { startsAt: string; endsAt: string; timeZone: string },
	viewer: string | null,
	locale: Locale,
	style: 'long' | 'short' = 'long'
): { event: string; viewer: string | null } {
	const times = eventTimes(event, viewer ?? event.timeZone, locale, style);
	return { event: times.event.text, viewer: times.viewer?.text ?? null };
}

/** One instant (a deadline, when a link shows) as a sentence takes it: with its date, in the viewer's zone if known. */
export function instantLine(iso: string, zone: string, viewer: string | null, locale: Locale): string {
	const times = eventTimes({ startsAt: iso, endsAt: iso, timeZone: zone }, viewer ?? zone, locale, 'long', 'always');
	return (times.viewer ?? times.event).text;
}

export interface ZoneOption {
	value: string;
	label: string;
}

export interface ZoneOptions {
	/** The network's countries first ("Sénégal — Dakar (UTC+0)"). */
	network: ZoneOption[];
	/** Then every zone, by region ("Europe" → "Paris (UTC+1)"). */
	regions: { region: string; zones: ZoneOption[] }[];
}

const zoneOptionCache = new Map<string, { day: string; options: ZoneOptions }>();

/**
 * The zone select's options, offsets as of today; kept per language for the day (offsets
 * move twice a year, and 400 formatters are worth building once).
 */
export function zoneOptions(locale: Locale): ZoneOptions {
	const day = new Date().toISOString().slice(0, 10);
	const hit = zoneOptionCache.get(locale);
	if (hit && hit.day === day) return hit.options;
	const now = new Date();
	const collator = new Intl.Collator(locale);
	const network = countryCodes
		.map((code) => ({ code, zone: zoneOfCountry(code) }))
		.filter((c): c is { code: (typeof countryCodes)[number]; zone: string } => c.zone !== null)
		.map(({ code, zone }) => ({ value: zone, label: `${countryName(code, locale)} — ${zoneOptionLabel(zone, locale, now)}` }))
		.sort((a, b) => collator.compare(a.label, b.label));
	const regions = new Map<string, ZoneOption[]>();
	for (const zone of timeZoneNames()) {
		const region = zone.includes('/') ? zone.slice(0, zone.indexOf('/')) : 'UTC';
		let list = regions.get(region);
		if (!list) regions.set(region, (list = []));
		list.push({ value: zone, label: zoneOptionLabel(zone, locale, now) });
	}
	const options: ZoneOptions = {
		network,
		regions: [...regions]
			.map(([region, zones]) => ({ region, zones: zones.sort((a, b) => collator.compare(a.label, b.label)) }))
			.sort((a, b) => collator.compare(a.region, b.region))
	};
	zoneOptionCache.set(locale, { day, options });
	return options;
}

/** Names of multi-valued fields of the event forms (a `<select multiple>`). */
const MULTI = new Set(['countries']);

/**
 * The event form's fields: as the schema reads them (countries as a list) and as the form
 * shows them again (every value a string; countries joined by commas). Files are ignored.
 */
export function readEventForm(data: FormData, fields: readonly string[]) {
	const input: Record<string, unknown> = {};
	const values: Record<string, string> = {};
	for (const name of fields) {
		if (MULTI.has(name)) {
			const all = data.getAll(name).filter((v): v is string => typeof v === 'string' && v !== '');
			input[name] = all;
			values[name] = all.join(',');
		} else {
			const value = data.get(name);
			if (typeof value === 'string') {
				input[name] = value;
				values[name] = value;
			}
		}
	}
	return { input, values };
}

/** A field error of `countries.2` belongs to the countries select. */
function byField(fields: FieldErrors): FieldErrors {
	const out: FieldErrors = {};
	for (const [name, key] of Object.entries(fields)) {
		const field = name.split('.')[0] || name;
		if (!out[field]) out[field] = key;
	}
	return out;
}

export function eventFailure(
	status: number,
	locale: Locale,
	messageKey: string,
	fields: FieldErrors,
	values: Record<string, string>,
	form: string,
	inputs?: Record<string, unknown>
): ActionFailure<FormFailure> {
	return fail(status, {
		form,
		message: translate(messageKey, locale, inputs),
		fields: Object.fromEntries(Object.entries(byField(fields)).map(([f, k]) => [f, translate(k, locale)])),
		values
	});
}

/**
 * Like `runForm` for the event forms: parse the listed fields with the API's schema, call
 * the service, and on any refusal return every typed value with the errors beside them.
 */
export async function runEventForm<S extends z.ZodType, R>(
	event: { request: Request; locals: App.Locals; setHeaders: (h: Record<string, string>) => void },
	schema: S,
	fields: readonly string[],
	form: string,
	action: (input: z.output<S>) => Promise<R>
): Promise<{ ok: true; result: R } | ActionFailure<FormFailure>> {
	const locale = event.locals.locale;
	const { input, values } = readEventForm(await event.request.formData(), fields);
	const parsed = schema.safeParse(input);
	if (!parsed.success) return eventFailure(400, locale, 'form_errors_summary', issuesToFields(parsed.error.issues), values, form);
	try {
		return { ok: true, result: await action(parsed.data) };
	} catch (caught) {
		if (!isAppError(caught)) throw caught;
		if (isRateLimited(caught)) event.setHeaders({ 'retry-after': String(caught.retryAfterSeconds) });
		const fields = caught.fields ?? {};
		// Errors beside the fields: the summary says where to look rather than "invalid values".
		const message = Object.keys(fields).length > 0 ? 'form_errors_summary' : caught.messageKey;
		return eventFailure(caught.status, locale, message, fields, values, form, caught.messageInputs(locale));
	}
}
