/**
 * Time zones of events: which IANA zone a member's country keeps, turning the local
 * date-time an organiser types into a UTC instant (daylight-saving aware), and showing an
 * instant in a zone. Pure functions on `Intl` only — no database, no Node API — so that web
 * code imports them too (`$server/modules/events/time-zones`).
 */

/**
 * The zone each country of the sign-up list keeps (server/modules/accounts/countries.ts).
 * Countries spanning several zones get their capital's: DR Congo → Kinshasa, Canada →
 * Toronto (Ottawa), United States → New York. A member elsewhere sets their own zone.
 */
const COUNTRY_ZONES: Record<string, string> = {
	BJ: 'Africa/Porto-Novo',
	BF: 'Africa/Ouagadougou',
	CM: 'Africa/Douala',
	CI: 'Africa/Abidjan',
	GN: 'Africa/Conakry',
	ML: 'Africa/Bamako',
	MR: 'Africa/Nouakchott',
	NE: 'Africa/Niamey',
	SN: 'Africa/Dakar',
	TD: 'Africa/Ndjamena',
	TG: 'Africa/Lome',
	CV: 'Atlantic/Cape_Verde',
	CF: 'Africa/Bangui',
	CG: 'Africa/Brazzaville',
	CD: 'Africa/Kinshasa',
	GA: 'Africa/Libreville',
	GM: 'Africa/Banjul',
	GH: 'Africa/Accra',
	GW: 'Africa/Bissau',
	GQ: 'Africa/Malabo',
	LR: 'Africa/Monrovia',
	NG: 'Africa/Lagos',
	SL: 'Africa/Freetown',
	BI: 'Africa/Bujumbura',
	DJ: 'Africa/Djibouti',
	MG: 'Indian/Antananarivo',
	RW: 'Africa/Kigali',
	MA: 'Africa/Casablanca',
	TN: 'Africa/Tunis',
	DZ: 'Africa/Algiers',
	FR: 'Europe/Paris',
	BE: 'Europe/Brussels',
	CH: 'Europe/Zurich',
	LU: 'Europe/Luxembourg',
	CA: 'America/Toronto',
	DE: 'Europe/Berlin',
	NL: 'Europe/Amsterdam',
	ES: 'Europe/Madrid',
	IT: 'Europe/Rome',
	GB: 'Europe/London',
	US: 'America/New_York'
};

/** The zone used when nothing better is known: the network's secretariat is in Dakar (UTC, no DST). */
export const DEFAULT_TIME_ZONE = 'Africa/Dakar';

/**
 * Set by the event pages' script from the browser's own zone, for visitors (members have a
 * setting). The anonymous page cache keys on it: the same URL renders other times per zone.
 */
export const TZ_COOKIE = 'tz';

/** The IANA zone of a country (ISO code), or null when it is not one of the list's. */
export function zoneOfCountry(code: string | null | undefined): string | null {
	return (code && COUNTRY_ZONES[code.toUpperCase()]) || null;
}

/** The viewer's zone: the one they chose, else their country's, else the default. */
export function viewerTimeZone(user: { timeZone?: string | null; country?: string | null } | null | undefined): string {
	if (user?.timeZone && isValidTimeZone(user.timeZone)) return user.timeZone;
	return zoneOfCountry(user?.country) ?? DEFAULT_TIME_ZONE;
}

let supported: Set<string> | null = null;

/**
 * An IANA zone name that `Intl` knows, spelled exactly (case included). `supportedValuesOf`
 * lists canonical names only, so a newer alias (`Europe/Kyiv` where ICU still says
 * `Europe/Kiev`) is accepted when `Intl` resolves it; `UTC` too.
 */
export function isValidTimeZone(zone: string): boolean {
	if (typeof zone !== 'string' || zone.length === 0 || zone.length > 64) return false;
	supported ??= new Set(Intl.supportedValuesOf('timeZone'));
	if (supported.has(zone) || zone === 'UTC') return true;
	if (!/^[A-Z][A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)+$/.test(zone)) return false;
	try {
		new Intl.DateTimeFormat('en', { timeZone: zone });
		return true;
	} catch {
		return false;
	}
}

/** Every zone a form may offer, sorted (the canonical list plus `UTC`). */
export function timeZoneNames(): string[] {
	return ['UTC', ...Intl.supportedValuesOf('timeZone')];
}

/* ---- local date-time ⇄ UTC ---- */

const LOCAL_PATTERN = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;

interface LocalFields {
	year: number;
	month: number;
	day: number;
	hour: number;
	minute: number;
	second: number;
}

const partsFormats = new Map<string, Intl.DateTimeFormat>();

function partsFormat(zone: string): Intl.DateTimeFormat {
	let format = partsFormats.get(zone);
	if (!format) {
		format = new Intl.DateTimeFormat('en-US', {
			timeZone: zone,
			hourCycle: 'h23',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit'
		});
		partsFormats.set(zone, format);
	}
	return format;
}

/** The wall-clock fields of an instant in a zone. */
function fieldsInZone(epochMs: number, zone: string): LocalFields {
	const out: Record<string, number> = {};
	for (const part of partsFormat(zone).formatToParts(new Date(epochMs))) {
		if (part.type !== 'literal') out[part.type] = Number(part.value);
	}
	return {
		year: out.year!,
		month: out.month!,
		day: out.day!,
		hour: out.hour! % 24,
		minute: out.minute!,
		second: out.second!
	};
}

const asUtc = (f: LocalFields) => Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);

/** The zone's offset from UTC at an instant, in milliseconds (UTC+1 → 3 600 000). */
export function zoneOffsetMs(instant: Date | number, zone: string): number {
	const epochMs = typeof instant === 'number' ? instant : instant.getTime();
	const whole = epochMs - (((epochMs % 1000) + 1000) % 1000);
	return asUtc(fieldsInZone(whole, zone)) - whole;
}

export type LocalTimeResult =
	| { ok: true; utc: Date; ambiguous: boolean }
	| {
			ok: false;
			/** invalid: not a date-time (or a bad zone) · nonexistent: skipped by a daylight-saving change. */
			reason: 'invalid' | 'nonexistent';
	  };

/**
 * A local date-time as typed in a form (`2026-03-29T10:30`, seconds optional) in a zone →
 * the UTC instant. A time that the clocks skip (spring forward: Europe/Paris 2026-03-29
 * 02:30) does not exist and is refused (`nonexistent`): the organiser must pick another.
 * A time that happens twice (fall back: Europe/Paris 2026-10-25 02:30) takes the first
 * occurrence — the earlier instant, as Temporal's "compatible" choice — and says so with
 * `ambiguous: true`.
 */
export function resolveLocalTime(localIso: string, zone: string): LocalTimeResult {
	const match = LOCAL_PATTERN.exec(typeof localIso === 'string' ? localIso.trim() : '');
	if (!match || !isValidTimeZone(zone)) return { ok: false, reason: 'invalid' };
	const wanted: LocalFields = {
		year: Number(match[1]),
		month: Number(match[2]),
		day: Number(match[3]),
		hour: Number(match[4]),
		minute: Number(match[5]),
		second: Number(match[6] ?? 0)
	};
	const naive = asUtc(wanted);
	// Date.UTC rolls 31 February over to March: a date that does not round-trip is not a date.
	const check = new Date(naive);
	if (
		wanted.year < 1900 ||
		wanted.year > 2200 ||
		check.getUTCMonth() !== wanted.month - 1 ||
		check.getUTCDate() !== wanted.day ||
		wanted.hour > 23 ||
		wanted.minute > 59 ||
		wanted.second > 59
	) {
		return { ok: false, reason: 'invalid' };
	}
	// The offset in force can only be one of those a day either side (no zone changes twice a day).
	const offsets = new Set([
		zoneOffsetMs(naive - 86_400_000, zone),
		zoneOffsetMs(naive + 86_400_000, zone),
		zoneOffsetMs(naive, zone)
	]);
	const candidates = [...offsets]
		.map((offset) => naive - offset)
		.filter((epoch) => asUtc(fieldsInZone(epoch, zone)) === naive)
		.sort((a, b) => a - b);
	const unique = [...new Set(candidates)];
	if (unique.length === 0) return { ok: false, reason: 'nonexistent' };
	return { ok: true, utc: new Date(unique[0]!), ambiguous: unique.length > 1 };
}

/** Like resolveLocalTime, for callers that already validated: the UTC instant, or a RangeError. */
export function localToUtc(localIso: string, zone: string): Date {
	const result = resolveLocalTime(localIso, zone);
	if (!result.ok) throw new RangeError(`${result.reason} local time ${localIso} in ${zone}`);
	return result.utc;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An instant as the zone's wall clock, in the form inputs' format (`2026-03-29T10:30`). */
export function utcToLocal(instant: Date | string, zone: string): string {
	const f = fieldsInZone(new Date(instant).getTime(), zone);
	return `${f.year}-${pad(f.month)}-${pad(f.day)}T${pad(f.hour)}:${pad(f.minute)}`;
}

/** "UTC+0", "UTC+1", "UTC+5:30", "UTC-1": the zone's offset at that instant, for labels next to times (pages and e-mails alike). */
export function offsetLabel(instant: Date | string, zone: string): string {
	const minutes = Math.round(zoneOffsetMs(new Date(instant), zone) / 60_000);
	const abs = Math.abs(minutes);
	return `UTC${minutes < 0 ? '-' : '+'}${Math.floor(abs / 60)}${abs % 60 ? `:${pad(abs % 60)}` : ''}`;
}

const displayFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * An instant shown in a zone, in the reader's language ("dimanche 29 mars 2026 à 10:30").
 * `style` picks how much: a full date and time, the date, or the time alone.
 */
export function formatInZone(
	instant: Date | string,
	zone: string,
	locale: string,
	style: 'full' | 'date' | 'time' | 'short' = 'full'
): string {
	const key = `${locale}|${zone}|${style}`;
	let format = displayFormats.get(key);
	if (!format) {
		const tag = locale === 'en' ? 'en-GB' : locale === 'fr' ? 'fr-FR' : locale;
		const options: Intl.DateTimeFormatOptions =
			style === 'full'
				? { dateStyle: 'full', timeStyle: 'short' }
				: style === 'date'
					? { dateStyle: 'full' }
					: style === 'time'
						? { timeStyle: 'short' }
						: { dateStyle: 'medium', timeStyle: 'short' };
		format = new Intl.DateTimeFormat(tag, { ...options, timeZone: zone });
		displayFormats.set(key, format);
	}
	return format.format(new Date(instant));
}
