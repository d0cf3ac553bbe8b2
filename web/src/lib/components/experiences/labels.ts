import type {
	ContributionFrequency,
	ExperienceArea,
	ExperienceMechanism,
	ExperienceStatus,
	ExperienceTarget
} from '$db/schema/values';
import { countryName } from '$lib/labels';
import { m } from '$lib/paraglide/messages';

/** Catalogue labels of a fiche's enumerated values, spelled out so unused ones are tree-shaken. */
export const mechanismLabel: Record<ExperienceMechanism, () => string> = {
	mutuelle_communautaire: m.expweb_mech_mutuelle_communautaire,
	mutuelle_professionnelle: m.expweb_mech_mutuelle_professionnelle,
	micro_assurance: m.expweb_mech_micro_assurance,
	assurance_obligatoire: m.expweb_mech_assurance_obligatoire,
	subvention_demande: m.expweb_mech_subvention_demande,
	subvention_offre: m.expweb_mech_subvention_offre,
	fonds_equite: m.expweb_mech_fonds_equite,
	autre: m.expweb_mech_autre
};

export const targetLabel: Record<ExperienceTarget, () => string> = {
	secteur_informel: m.expweb_target_secteur_informel,
	rural_agricole: m.expweb_target_rural_agricole,
	femmes: m.expweb_target_femmes,
	jeunes: m.expweb_target_jeunes,
	personnes_agees: m.expweb_target_personnes_agees,
	malades_chroniques: m.expweb_target_malades_chroniques,
	autres: m.expweb_target_autres
};

export const areaLabel: Record<ExperienceArea, () => string> = {
	urban: m.expweb_area_urban,
	rural: m.expweb_area_rural,
	mixed: m.expweb_area_mixed
};

export const frequencyLabel: Record<ContributionFrequency, () => string> = {
	mensuelle: m.expweb_freq_mensuelle,
	trimestrielle: m.expweb_freq_trimestrielle,
	semestrielle: m.expweb_freq_semestrielle,
	annuelle: m.expweb_freq_annuelle,
	unique: m.expweb_freq_unique,
	autre: m.expweb_freq_autre
};

export const experienceStatusLabel: Record<ExperienceStatus, () => string> = {
	draft: m.expweb_status_draft,
	submitted: m.expweb_status_submitted,
	returned: m.expweb_status_returned,
	published: m.expweb_status_published
};

const regionLabel: Record<string, () => string> = { AO: m.expweb_region_AO, AC: m.expweb_region_AC };

/** A country (ISO 3166 alpha-2) or a region-level entry, in the reader's language. */
export function placeName(code: string, locale: string): string {
	return regionLabel[code]?.() ?? countryName(code, locale);
}

/** A label for any enumerated value, or the value itself when unknown (an older version). */
export function labelOf<K extends string>(table: Record<K, () => string>, value: string | null | undefined): string {
	if (!value) return '';
	return (table as Record<string, () => string>)[value]?.() ?? value;
}

export function periodLabel(start: number | null, end: number | null): string {
	if (start === null) return '';
	if (end === null) return m.expweb_period_ongoing({ start: String(start) });
	return m.expweb_period_range({ start: String(start), end: String(end) });
}

export function formatNumber(value: number, locale: string): string {
	return new Intl.NumberFormat(locale === 'en' ? 'en-GB' : 'fr-FR').format(value);
}

/** A file size in the reader's language: « 1,2 Mo », « 350 ko ». */
export function formatSize(bytes: number, locale: string): string {
	const fr = locale !== 'en';
	const format = (n: number) => new Intl.NumberFormat(fr ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 1 }).format(n);
	if (bytes < 1024) return `${bytes} ${fr ? 'o' : 'B'}`;
	if (bytes < 1024 * 1024) return `${format(bytes / 1024)} ${fr ? 'ko' : 'KB'}`;
	return `${format(bytes / (1024 * 1024))} ${fr ? 'Mo' : 'MB'}`;
}

/** The form's label of each content field, for the comparison and the history. */
export const fieldLabel: Record<string, () => string> = {
	title: m.expweb_f_title,
	summary: m.expweb_f_summary,
	organisations: m.expweb_f_organisations,
	contactUserId: m.expweb_f_contact,
	countries: m.expweb_f_countries,
	area: m.expweb_f_area,
	startYear: m.expweb_f_startYear,
	endYear: m.expweb_f_endYear,
	mechanism: m.expweb_f_mechanism,
	mechanismOther: m.expweb_f_mechanismOther,
	targets: m.expweb_f_targets,
	targetsOther: m.expweb_f_targetsOther,
	members: m.expweb_f_members,
	membersYear: m.expweb_f_membersYear,
	beneficiaries: m.expweb_f_beneficiaries,
	beneficiariesYear: m.expweb_f_beneficiariesYear,
	contributionAmount: m.expweb_f_contributionAmount,
	currency: m.expweb_f_currency,
	contributionFrequency: m.expweb_f_contributionFrequency,
	subsidies: m.expweb_f_subsidies,
	subsidySource: m.expweb_f_subsidySource,
	benefits: m.expweb_f_benefits,
	partners: m.expweb_f_partners,
	results: m.expweb_f_results,
	indicators: m.expweb_f_indicators,
	difficulties: m.expweb_f_difficulties,
	lessons: m.expweb_f_lessons,
	links: m.expweb_f_links
};
