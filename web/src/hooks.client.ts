import { page } from '$app/state';
import { overwriteGetLocale } from '$lib/paraglide/runtime';
import type { Locale } from '$db/schema/values';

// The server negotiates the locale (preference, cookie, Accept-Language) and sends it with
// the root layout's data. Reading it from `page.data` keeps hydration in the server's words
// and makes every message re-render when a client-side navigation changes it (log in as
// someone who prefers another language, sign up or save the profile with another one).
overwriteGetLocale(() => {
	const locale = page.data?.locale ?? document.documentElement.lang;
	return (locale === 'en' ? 'en' : 'fr') as Locale;
});
