import { z } from 'zod';
import { experienceAreas, experienceMechanisms, experienceStatuses, experienceTargets } from '../../../db/schema/values.ts';
import { countryCodes } from '../accounts/countries.ts';
import { experienceDraft, regionCodes } from './content.ts';

/**
 * API shapes of the fiches d'expérience. The content rules themselves (fields, limits,
 * required ones) live in content.ts; the body of a create or update is a fiche's content.
 */

export const experienceIdParams = z.strictObject({ id: z.uuid('error_not_found') });

/**
 * The content as the API receives it: a draft (lenient), checked again by the service, with
 * one more way to name the contact person: `contactHandle`, a member's @handle (the @ is
 * optional; empty: nobody), which takes precedence over `contactUserId`. Either way the
 * contact must be an active member (400 on the field otherwise).
 */
export const experienceContentInput = z.strictObject({
	...experienceDraft.shape,
	contactHandle: z.string().max(100, 'exp_error_contact_unknown').optional()
});

/** The content as it goes out: the same fields, without the cross-field checks. */
export const experienceContentOutput = z.object(experienceDraft.shape);

export const returnInput = z.strictObject({
	comment: z.string().trim().min(3, 'exp_error_return_comment').max(5000, 'exp_error_too_long')
});

export const addAuthorInput = z.strictObject({
	/** The member's handle, with or without the leading @. */
	handle: z
		.string()
		.trim()
		.min(1, 'exp_error_author_unknown')
		.max(100, 'exp_error_author_unknown')
		.transform((h) => h.replace(/^@/, ''))
});

/** A list parameter: repeated (`?pays=SN&pays=ML`) or comma-separated (`?pays=SN,ML`). */
const multi = <T extends z.ZodType>(item: T) =>
	z.preprocess(
		(v) =>
			v === undefined || v === ''
				? []
				: (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(',')).filter((s) => s.trim() !== ''),
		z.array(item).max(50)
	);

/**
 * Filters of the browse page, API list and export, in the page's URL vocabulary (French),
 * so that a filtered list can be shared as a link. Unknown parameters are ignored.
 */
export const experienceListQuery = z.object({
	/** Countries (or region codes): fiches about any of them. */
	pays: multi(z.enum([...countryCodes, ...regionCodes], 'exp_error_country')),
	mecanisme: multi(z.enum(experienceMechanisms, 'exp_error_mechanism')),
	cible: multi(z.enum(experienceTargets, 'exp_error_target')),
	milieu: multi(z.enum(experienceAreas, 'exp_error_area')),
	/** Period: fiches whose years overlap [de, a]. */
	de: z.coerce.number().int('exp_error_year').min(1950, 'exp_error_year').max(2100, 'exp_error_year').optional(),
	a: z.coerce.number().int('exp_error_year').min(1950, 'exp_error_year').max(2100, 'exp_error_year').optional(),
	/** 1: with results (text or indicators); 0: without. */
	resultats: z.enum(['0', '1']).optional(),
	/** French full-text search over title, summary, organisations, lessons, results, difficulties, benefits. */
	q: z.string().trim().max(200, 'exp_error_too_long').optional(),
	tri: z.enum(['date', 'pertinence']).default('date'),
	/** One space (its slug). */
	espace: z.string().trim().max(100).optional(),
	/** Opaque cursor from the previous page's `next`. */
	apres: z.string().max(200).optional()
});
export type ExperienceListQuery = z.infer<typeof experienceListQuery>;
/** What list and export accept: any of the filters (an empty object lists everything). */
export type ExperienceListInput = Partial<z.input<typeof experienceListQuery>>;

export const exportQuery = experienceListQuery.extend({ format: z.enum(['csv', 'json']).default('csv') });

export const compareQuery = z.object({
	ids: z.preprocess(
		(v) => (Array.isArray(v) ? v : String(v ?? '').split(',')).map((s) => String(s).trim()).filter(Boolean),
		z.array(z.uuid('error_not_found')).min(2, 'exp_error_compare_count').max(4, 'exp_error_compare_count')
	)
});

const person = z.object({ id: z.uuid(), displayName: z.string(), url: z.string() });
const member = person.extend({ handle: z.string() });
const spaceRef = z.object({ slug: z.string(), name: z.string(), url: z.string() });

export const experienceOutput = z.object({
	id: z.uuid(),
	url: z.string(),
	status: z.enum(experienceStatuses),
	space: spaceRef,
	/** Authors and moderators reviewing it: the working copy; readers: the published version. */
	content: experienceContentOutput,
	published: experienceContentOutput.nullable(),
	/** The contact person of `content` (its `contactUserId`), named; null when none, or no longer a member. */
	contact: member.nullable(),
	publishedVersion: z.number().int(),
	publishedAt: z.iso.datetime().nullable(),
	/** The moderator's comments when returned (authors and moderators only). */
	returnComment: z.string().nullable(),
	authors: z.array(member),
	attachments: z.array(
		z.object({ id: z.uuid(), filename: z.string(), mimeType: z.string(), size: z.number().int(), url: z.string() })
	),
	thread: z.object({ id: z.uuid(), url: z.string() }).nullable(),
	can: z.object({
		edit: z.boolean(),
		submit: z.boolean(),
		publish: z.boolean(),
		return: z.boolean(),
		addAuthor: z.boolean(),
		attach: z.boolean()
	})
});
export type ExperienceOutput = z.infer<typeof experienceOutput>;

export const experienceListItem = z.object({
	id: z.uuid(),
	url: z.string(),
	title: z.string(),
	summary: z.string(),
	countries: z.array(z.string()),
	mechanism: z.string().nullable(),
	targets: z.array(z.string()),
	area: z.string().nullable(),
	startYear: z.number().int().nullable(),
	endYear: z.number().int().nullable(),
	hasResults: z.boolean(),
	publishedAt: z.iso.datetime(),
	space: spaceRef
});
export type ExperienceListItem = z.infer<typeof experienceListItem>;

const facetCounts = z.array(z.object({ value: z.string(), count: z.number().int() }));
export const experienceFacets = z.object({
	countries: facetCounts,
	mechanism: facetCounts,
	targets: facetCounts,
	area: facetCounts,
	/** Values 'true' and 'false'. */
	hasResults: facetCounts
});
export type ExperienceFacets = z.infer<typeof experienceFacets>;

export const experienceListOutput = z.object({
	items: z.array(experienceListItem),
	facets: experienceFacets,
	total: z.number().int(),
	next: z.string().nullable()
});
export type ExperienceListOutput = z.infer<typeof experienceListOutput>;

export const fieldChange = z.object({
	field: z.string(),
	before: z.unknown(),
	after: z.unknown(),
	/** Markdown and long text fields: the word diff, [op, text] with op -1 removed, 0 same, 1 added. */
	words: z.array(z.tuple([z.number().int(), z.string()])).optional()
});
export type FieldChange = z.infer<typeof fieldChange>;

const versionFile = z.object({ id: z.uuid(), filename: z.string(), url: z.string().nullable() });

export const versionOutput = z.object({
	number: z.number().int(),
	publishedAt: z.iso.datetime(),
	submittedBy: person.nullable(),
	approvedBy: person.nullable(),
	/** What changed from the previous version (none for the first). */
	changes: z.array(fieldChange),
	/**
	 * The files the fiche had when this version was published; `url` is null for a file since
	 * removed from the fiche. Null for versions published before files were recorded.
	 */
	attachments: z.array(versionFile).nullable(),
	/** Files added and removed since the previous version; null for the first, or when either did not record its files. */
	attachmentChanges: z.object({ added: z.array(versionFile), removed: z.array(versionFile) }).nullable()
});
export type VersionOutput = z.infer<typeof versionOutput>;

export const compareOutput = z.object({
	items: z.array(
		z.object({
			id: z.uuid(),
			url: z.string(),
			title: z.string(),
			space: spaceRef,
			publishedVersion: z.number().int(),
			publishedAt: z.iso.datetime().nullable()
		})
	),
	/** One row per field, one value per fiche (in the order of `items`). */
	fields: z.array(z.object({ field: z.string(), values: z.array(z.unknown()) }))
});
export type CompareOutput = z.infer<typeof compareOutput>;

export const submittedOutput = z.object({
	items: z.array(
		z.object({
			id: z.uuid(),
			url: z.string(),
			title: z.string(),
			space: spaceRef,
			submittedAt: z.iso.datetime().nullable(),
			publishedVersion: z.number().int(),
			authors: z.array(person)
		})
	)
});
