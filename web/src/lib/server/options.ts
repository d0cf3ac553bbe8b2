import { organisationTypes, type Locale } from '$db/schema/values';
import { countryCodes } from '$server/modules/accounts/countries';
import { countryName } from '$lib/labels';

/** The reference network's own countries come first (DOMAIN.md). */
const REGION_COUNT = 23;

export function profileOptions(locale: Locale) {
	const collator = new Intl.Collator(locale);
	const named = (codes: readonly string[]) =>
		codes.map((code) => ({ code, name: countryName(code, locale) })).sort((a, b) => collator.compare(a.name, b.name));
	return {
		organisationTypes: [...organisationTypes],
		countries: {
			region: named(countryCodes.slice(0, REGION_COUNT)),
			other: named(countryCodes.slice(REGION_COUNT))
		}
	};
}
