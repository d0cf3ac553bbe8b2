const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
	['year', 365 * 24 * 3600],
	['month', 30 * 24 * 3600],
	['week', 7 * 24 * 3600],
	['day', 24 * 3600],
	['hour', 3600],
	['minute', 60]
];

/**
 * Intl formatters cost far more to build than to use (a thread page formats dozens of
 * dates): one per locale and kind, kept for the life of the process.
 */
const relativeFormats = new Map<string, Intl.RelativeTimeFormat>();
const exactFormats = new Map<string, Intl.DateTimeFormat>();

export function cached<T>(cache: Map<string, T>, locale: string, make: () => T): T {
	let format = cache.get(locale);
	if (!format) cache.set(locale, (format = make()));
	return format;
}

/** "il y a 3 heures" / "3 hours ago", in the reader's language; "maintenant" under a minute. */
export function relativeTime(iso: string, locale: string, now = Date.now()): string {
	const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
	const format = cached(relativeFormats, locale, () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }));
	for (const [unit, size] of UNITS) {
		if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
	}
	return format.format(0, 'second');
}

export function exactTime(iso: string, locale: string): string {
	const format = cached(
		exactFormats,
		locale,
		() => new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'fr-FR', { dateStyle: 'long', timeStyle: 'short' })
	);
	return format.format(new Date(iso));
}
