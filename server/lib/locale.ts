import { locales, type Locale } from '../../db/schema/values.ts';

export const LOCALE_COOKIE = 'palabre_locale';
export const defaultLocale: Locale = 'fr';

export function isLocale(value: unknown): value is Locale {
	return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

/** Best supported language of an `Accept-Language` header, by q-value, else null. */
export function fromAcceptLanguage(header: string | null | undefined): Locale | null {
	if (!header) return null;
	const ranked = header
		.split(',')
		.map((part, index) => {
			const [tag = '', ...params] = part.trim().split(';');
			const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
			return { lang: tag.trim().toLowerCase().split('-')[0], q: q ? Number(q.slice(2)) : 1, index };
		})
		.filter((r) => r.q > 0 && !Number.isNaN(r.q))
		.sort((a, b) => b.q - a.q || a.index - b.index);
	return ranked.map((r) => r.lang).find(isLocale) ?? null;
}

/** The user's saved preference, then the cookie, then the browser's languages, then French. */
export function negotiateLocale(input: {
	userLocale?: string | null | undefined;
	cookie?: string | null | undefined;
	acceptLanguage?: string | null | undefined;
}): Locale {
	if (isLocale(input.userLocale)) return input.userLocale;
	if (isLocale(input.cookie)) return input.cookie;
	return fromAcceptLanguage(input.acceptLanguage) ?? defaultLocale;
}
