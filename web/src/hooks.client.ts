import { overwriteGetLocale } from '$lib/paraglide/runtime';
import type { Locale } from '$db/schema/values';

// The server negotiated the locale (preference, cookie, Accept-Language) and wrote it into
// <html lang>: the client follows it, so hydration renders the same words.
overwriteGetLocale(() => (document.documentElement.lang === 'en' ? 'en' : 'fr') as Locale);
