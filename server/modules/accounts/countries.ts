/**
 * Countries offered at sign-up: the reference network's region first (DOMAIN.md), then
 * partners' countries. ISO 3166-1 alpha-2; names come from `Intl.DisplayNames` in the
 * reader's language, so no country name lives in the catalogue.
 */
export const countryCodes = [
	'BJ',
	'BF',
	'CM',
	'CI',
	'GN',
	'ML',
	'MR',
	'NE',
	'SN',
	'TD',
	'TG',
	'CV',
	'CF',
	'CG',
	'CD',
	'GA',
	'GM',
	'GH',
	'GW',
	'GQ',
	'LR',
	'NG',
	'SL',
	'BI',
	'DJ',
	'MG',
	'RW',
	'MA',
	'TN',
	'DZ',
	'FR',
	'BE',
	'CH',
	'LU',
	'CA',
	'DE',
	'NL',
	'ES',
	'IT',
	'GB',
	'US'
] as const;
export type CountryCode = (typeof countryCodes)[number];
