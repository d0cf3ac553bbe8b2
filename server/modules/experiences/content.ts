import { z } from 'zod';
import { contributionFrequencies, experienceAreas, experienceMechanisms, experienceTargets } from '../../../db/schema/values.ts';
import { countryCodes } from '../accounts/countries.ts';

/**
 * The content of a fiche d'expérience, as its authors write it and as each published
 * version keeps it (experiences.draft / .published / experience_versions.content). Every
 * message is a catalogue key (`exp_error_*`); field names are the form's names.
 *
 * Two levels: `experienceDraft` accepts a half-filled fiche (a draft is saved as it is,
 * nothing typed is lost), `experienceContent` is what submitting and publishing require.
 */

const year = z.coerce.number('exp_error_year').int('exp_error_year').min(1950, 'exp_error_year').max(2100, 'exp_error_year');
const count = z.coerce
	.number('exp_error_number')
	.int('exp_error_number')
	.min(0, 'exp_error_negative')
	.max(1_000_000_000, 'exp_error_number');
const text = (max: number) => z.string().trim().max(max, 'exp_error_too_long');
const markdown = text(20_000);

/** ISO 4217 codes offered; the region's francs first. */
export const currencies = ['XOF', 'XAF', 'GNF', 'CDF', 'MRU', 'CVE', 'GHS', 'NGN', 'EUR', 'USD'] as const;

/** Region-level entries besides countries: "Afrique de l'Ouest", "Afrique centrale". */
export const regionCodes = ['AO', 'AC'] as const;

export const indicatorRow = z.strictObject({
	name: text(200).min(1, 'exp_error_required'),
	value: z.coerce.number('exp_error_number'),
	unit: text(50).default(''),
	year: year.optional()
});

export const linkRow = z.strictObject({
	label: text(200).default(''),
	url: z.url({ protocol: /^https?$/, error: 'exp_error_url' }).max(2000, 'exp_error_too_long')
});

const shape = {
	title: text(200).default(''),
	summary: text(600).default(''),
	organisations: z.array(text(200).min(1)).max(10, 'exp_error_too_many').default([]),
	/** A member of the platform (user id), the person to contact. */
	contactUserId: z.uuid('exp_error_contact').nullable().default(null),
	countries: z
		.array(z.enum([...countryCodes, ...regionCodes], 'exp_error_country'))
		.max(30, 'exp_error_too_many')
		.default([]),
	area: z.enum(experienceAreas, 'exp_error_area').nullable().default(null),
	startYear: year.nullable().default(null),
	/** null: ongoing. */
	endYear: year.nullable().default(null),
	mechanism: z.enum(experienceMechanisms, 'exp_error_mechanism').nullable().default(null),
	mechanismOther: text(200).default(''),
	targets: z.array(z.enum(experienceTargets, 'exp_error_target')).max(experienceTargets.length).default([]),
	targetsOther: text(200).default(''),
	members: count.nullable().default(null),
	membersYear: year.nullable().default(null),
	beneficiaries: count.nullable().default(null),
	beneficiariesYear: year.nullable().default(null),
	contributionAmount: z.coerce.number('exp_error_number').min(0, 'exp_error_negative').nullable().default(null),
	currency: z.enum(currencies, 'exp_error_currency').nullable().default(null),
	contributionFrequency: z.enum(contributionFrequencies, 'exp_error_frequency').nullable().default(null),
	subsidies: text(1000).default(''),
	subsidySource: text(500).default(''),
	benefits: markdown.default(''),
	partners: text(2000).default(''),
	results: markdown.default(''),
	indicators: z.array(indicatorRow).max(30, 'exp_error_too_many').default([]),
	difficulties: markdown.default(''),
	lessons: markdown.default(''),
	links: z.array(linkRow).max(20, 'exp_error_too_many').default([])
};

/** Cross-field rules, for drafts and submissions alike. */
function coherent<T extends z.ZodType<z.infer<z.ZodObject<typeof shape>>>>(schema: T) {
	return schema.superRefine((c, ctx) => {
		if (c.startYear !== null && c.endYear !== null && c.endYear < c.startYear)
			ctx.addIssue({ code: 'custom', path: ['endYear'], message: 'exp_error_end_before_start' });
		if (c.contributionAmount !== null && c.currency === null)
			ctx.addIssue({ code: 'custom', path: ['currency'], message: 'exp_error_currency_required' });
		if (c.mechanism === 'autre' && !c.mechanismOther)
			ctx.addIssue({ code: 'custom', path: ['mechanismOther'], message: 'exp_error_other_required' });
	});
}

export const experienceDraft = coherent(z.strictObject(shape));
export type ExperienceContent = z.infer<typeof experienceDraft>;

/** What submitting requires on top: the starred fields of the form. */
export const experienceContent = experienceDraft.superRefine((c, ctx) => {
	const required = (path: keyof ExperienceContent, ok: boolean) => {
		if (!ok) ctx.addIssue({ code: 'custom', path: [path], message: 'exp_error_required' });
	};
	required('title', c.title.length >= 5);
	required('summary', c.summary.length >= 20);
	required('countries', c.countries.length > 0);
	required('startYear', c.startYear !== null);
	required('mechanism', c.mechanism !== null);
	required('targets', c.targets.length > 0);
	required('lessons', c.lessons.length >= 20);
});

/** The facets copied into columns when a version is published. */
export function facetsOf(c: ExperienceContent) {
	return {
		title: c.title,
		summary: c.summary,
		countries: c.countries,
		mechanism: c.mechanism,
		targets: c.targets,
		area: c.area,
		startYear: c.startYear,
		endYear: c.endYear,
		hasResults: c.results.trim().length > 0 || c.indicators.length > 0,
		members: c.members
	};
}
