import { describe, expect, it } from 'vitest';
import { fromAcceptLanguage, negotiateLocale } from '../../server/lib/locale.ts';

describe('locale negotiation', () => {
	it('follows the user preference, then the cookie, then Accept-Language, then French', () => {
		expect(negotiateLocale({ userLocale: 'en', cookie: 'fr', acceptLanguage: 'fr' })).toBe('en');
		expect(negotiateLocale({ cookie: 'en', acceptLanguage: 'fr' })).toBe('en');
		expect(negotiateLocale({ cookie: 'de', acceptLanguage: 'en-US,en;q=0.8' })).toBe('en');
		expect(negotiateLocale({ acceptLanguage: 'de-DE,wo;q=0.9' })).toBe('fr');
		expect(negotiateLocale({})).toBe('fr');
	});

	it('ranks Accept-Language by q-value', () => {
		expect(fromAcceptLanguage('fr;q=0.4, en;q=0.8')).toBe('en');
		expect(fromAcceptLanguage('en;q=0, fr-SN')).toBe('fr');
		expect(fromAcceptLanguage('*')).toBeNull();
		expect(fromAcceptLanguage('')).toBeNull();
	});
});
