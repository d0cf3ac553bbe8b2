/**
 * How an event's times read on a page: a range in the event's zone and the same range in
 * the viewer's, each labelled by a city and the UTC offset in force then ("10:00 – 12:00
 * heure de Dakar (UTC+0) · 11:00 – 13:00 chez vous, Paris (UTC+1)"). Pure: Intl and the
 * catalogue only, formatters cached like `time.ts`. Called from loads, so the browser gets
 * finished strings and no formatting code.
 */
import { m } from './paraglide/messages.js';
import { cached } from './time.ts';
import { offsetLabel, utcToLocal } from '../../../server/modules/events/time-zones.ts';

type Locale = 'fr' | 'en';

/** Where a zone's last segment is not the name a reader would write (exonyms, accents). */
const CITY_NAMES: Record<Locale, Record<string, string>> = {
	fr: {
		Addis_Ababa: 'Addis-Abeba',
		Algiers: 'Alger',
		Asmera: 'Asmara',
		Athens: 'Athènes',
		Beirut: 'Beyrouth',
		Brussels: 'Bruxelles',
		Bucharest: 'Bucarest',
		Cairo: 'Le Caire',
		Cape_Verde: 'Cap-Vert',
		Copenhagen: 'Copenhague',
		El_Aaiun: 'Laâyoune',
		Jerusalem: 'Jérusalem',
		Lisbon: 'Lisbonne',
		Lome: 'Lomé',
		London: 'Londres',
		Mauritius: 'Maurice',
		Mexico_City: 'Mexico',
		Montreal: 'Montréal',
		Moscow: 'Moscou',
		Ndjamena: 'N’Djamena',
		Reunion: 'La Réunion',
		Sao_Tome: 'São Tomé',
		Vienna: 'Vienne',
		Warsaw: 'Varsovie'
	},
	en: {
		Asmera: 'Asmara',
		El_Aaiun: 'Laayoune',
		Lome: 'Lomé',
		Ndjamena: 'N’Djamena',
		Reunion: 'Réunion',
		Sao_Tome: 'São Tomé'
	}
};

const lang = (locale: string): Locale => (locale === 'en' ? 'en' : 'fr');

/** The city a zone is named after, in the reader's language ("Europe/Brussels" → "Bruxelles"). */
export function zoneCity(zone: string, locale: string): string {
	const last = zone.split('/').at(-1) ?? zone;
	return CITY_NAMES[lang(locale)][last] ?? last.replace(/_/g, ' ');
}

/** The zone's offset at that instant: one spelling for pages and e-mails. */
export const utcOffset = offsetLabel;

/** A zone as a select shows it: "Dakar (UTC+0)". */
export function zoneOptionLabel(zone: string, locale: string, at: string | Date = new Date()): string {
	return `${zoneCity(zone, locale)} (${utcOffset(at, zone)})`;
}

const rangeFormats = new Map<string, Intl.DateTimeFormat>();

const STYLES = {
	long: { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' },
	short: { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' },
	time: { hour: '2-digit', minute: '2-digit' }
} as const satisfies Record<string, Intl.DateTimeFormatOptions>;

export type RangeStyle = keyof typeof STYLES;

/**
 * A start–end range on the wall clock of `zone`: "mardi 24 novembre 2026, 10:00 – 12:00",
 * the dates repeated only when it spans several days; `time` gives "10:00 – 12:00".
 */
export function formatRange(
	startIso: string | Date,
	endIso: string | Date,
	zone: string,
	locale: string,
	style: RangeStyle = 'long'
) {
	const format = cached(rangeFormats, `${lang(locale)}|${zone}|${style}`, () => {
		return new Intl.DateTimeFormat(lang(locale) === 'en' ? 'en-GB' : 'fr-FR', {
			...STYLES[style],
			hourCycle: 'h23',
			timeZone: zone
		});
	});
	return format.formatRange(new Date(startIso), new Date(endIso));
}

/** The day an instant falls on in a zone, to tell whether two zones see the same dates. */
const dayIn = (instant: string | Date, zone: string) => utcToLocal(instant, zone).slice(0, 10);

export interface ZonedRange {
	zone: string;
	city: string;
	offset: string;
	/** The range alone, on that zone's clock. */
	range: string;
	/** The range with its label: "… heure de Dakar (UTC+0)" or "… chez vous, Paris (UTC+1)". */
	text: string;
}

export interface EventTimes {
	event: ZonedRange;
	/** The same range on the viewer's clock; null when the viewer is in the event's zone. */
	viewer: ZonedRange | null;
}

/**
 * An event's start and end for a reader in `viewerZone`. The viewer's line repeats the
 * dates only when they differ from the event's (a late evening in Paris is already the
 * next day in Douala's east); `style` is `long` on the event page, `short` in lists.
 */
export function eventTimes(
	event: { startsAt: string | Date; endsAt: string | Date; timeZone: string },
	viewerZone: string,
	locale: string,
	style: 'long' | 'short' = 'long',
	/** Spell out the viewer's dates even when they are the event's (a sentence needs them: "until …"). */
	viewerDates: 'auto' | 'always' = 'auto'
): EventTimes {
	const { startsAt, endsAt, timeZone } = event;
	const options = { locale: lang(locale) };
	const zoned = (zone: string, rangeStyle: RangeStyle, mine: boolean): ZonedRange => {
		const city = zoneCity(zone, locale);
		const offset = utcOffset(startsAt, zone);
		const range = formatRange(startsAt, endsAt, zone, locale, rangeStyle);
		let text: string;
		if (zone === 'UTC' || zone.startsWith('Etc/'))
			text = (mine ? m.event_time_viewer_utc : m.event_time_utc)({ range, offset }, options);
		else if (mine) text = m.event_time_viewer({ range, city, offset }, options);
		// French elides before a vowel: « heure d’Abidjan », « heure de Dakar ».
		else if (/^[AEIOUÉÈÊÂÎÔ]/.test(city)) text = m.event_time_event_elided({ range, city, offset }, options);
		else text = m.event_time_event({ range, city, offset }, options);
		return { zone, city, offset, range, text };
	};
	const shown = zoned(timeZone, style, false);
	if (viewerZone === timeZone) return { event: shown, viewer: null };
	const sameDays =
		dayIn(startsAt, viewerZone) === dayIn(startsAt, timeZone) && dayIn(endsAt, viewerZone) === dayIn(endsAt, timeZone);
	return { event: shown, viewer: zoned(viewerZone, sameDays && viewerDates === 'auto' ? 'time' : style, true) };
}
