import { fail } from '@sveltejs/kit';
import type { Locale } from '$db/schema/values';
import { issuesToFields } from '$server/lib/error-handler';
import { isAppError } from '$server/lib/errors';
import { translate } from '$server/lib/i18n';
import { renderMarkdown } from '$server/lib/markdown';
import { countryName } from '$lib/labels';
import {
	experienceContent,
	experienceDraft,
	currencies,
	regionCodes,
	type ExperienceContent
} from '$server/modules/experiences/content';
import { profileOptions } from '$lib/server/options';
import type {
	Cell,
	ExperienceFormState,
	ExperienceView,
	IndicatorRow,
	LinkRow,
	PlaceOptions,
	RowGroup
} from '$lib/components/experiences/types';

export type { ExperienceFormState, RowGroup };

/*
 * The fiche form as the pages see it: what was typed, kept as strings so that a failed
 * submission re-renders every value exactly (rows included, even empty ones), and its
 * conversion to the content object the service validates with the schemas of content.ts.
 */

export const scalarFields = [
	'title',
	'summary',
	/** The contact person's @handle: the form names a member by it; the content keeps their id. */
	'contactHandle',
	'area',
	'startYear',
	'endYear',
	'mechanism',
	'mechanismOther',
	'targetsOther',
	'members',
	'membersYear',
	'beneficiaries',
	'beneficiariesYear',
	'contributionAmount',
	'currency',
	'contributionFrequency',
	'subsidies',
	'subsidySource',
	'benefits',
	'partners',
	'results',
	'difficulties',
	'lessons'
] as const;
type Scalar = (typeof scalarFields)[number];

/** Fields whose empty value means null (no answer), not an empty string. */
const nullable = new Set<Scalar>([
	'area',
	'startYear',
	'endYear',
	'mechanism',
	'members',
	'membersYear',
	'beneficiaries',
	'beneficiariesYear',
	'contributionAmount',
	'currency',
	'contributionFrequency'
]);

type Values = Record<Scalar, string>;

/** Empty rows offered below the filled ones, so that rows can be added without JavaScript. */
const SPARE_ROWS = 2;
const MAX_ROWS = 40;

const str = (v: FormDataEntryValue | null) => (typeof v === 'string' ? v : '');

/** Indexed rows (`indicators[3].name`) in index order, as many as the form sent. */
function rows<K extends string>(data: FormData, group: string, keys: readonly K[]): Record<K, string>[] {
	const found = new Map<number, Record<K, string>>();
	const pattern = new RegExp(`^${group}\\[(\\d{1,2})\\](?:\\.(\\w+))?$`);
	for (const [name, value] of data) {
		const match = pattern.exec(name);
		if (!match || typeof value !== 'string') continue;
		const index = Number(match[1]);
		if (index >= MAX_ROWS) continue;
		const row = found.get(index) ?? (Object.fromEntries(keys.map((k) => [k, ''])) as Record<K, string>);
		const key = (match[2] ?? keys[0]) as K;
		if (keys.includes(key)) row[key] = value;
		found.set(index, row);
	}
	return [...found.entries()].sort((a, b) => a[0] - b[0]).map(([, row]) => row);
}

export function readForm(data: FormData): ExperienceFormState {
	return {
		values: Object.fromEntries(scalarFields.map((f) => [f, str(data.get(f))])) as Values,
		countries: data.getAll('countries').map(str).filter(Boolean),
		targets: data.getAll('targets').map(str).filter(Boolean),
		organisations: rows(data, 'organisations', ['name'] as const).map((r) => r.name),
		indicators: rows(data, 'indicators', ['name', 'value', 'unit', 'year'] as const),
		links: rows(data, 'links', ['label', 'url'] as const)
	};
}

const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/** The form filled from a content; `contact` is its contact person, named (see the output's `contact`). */
export function contentToState(c: ExperienceContent, contact: { handle: string } | null = null): ExperienceFormState {
	return {
		values: Object.fromEntries(
			scalarFields.map((f) => [f, f === 'contactHandle' ? (contact ? `@${contact.handle}` : '') : text(c[f])])
		) as Values,
		countries: [...c.countries],
		targets: [...c.targets],
		organisations: [...c.organisations],
		indicators: c.indicators.map((i) => ({ name: i.name, value: text(i.value), unit: i.unit, year: text(i.year) })),
		links: c.links.map((l) => ({ label: l.label, url: l.url }))
	};
}

export function emptyState(): ExperienceFormState {
	return contentToState(experienceDraft.parse({}));
}

/**
 * The rows shown. On opening the form: the filled rows plus SPARE_ROWS empty ones. After
 * « Ajouter une ligne » (`extra`): the rows as posted, same indices, plus one in that group.
 */
export function withSpareRows(state: ExperienceFormState, extra?: RowGroup): ExperienceFormState {
	const pad = <T>(list: T[], isEmpty: (row: T) => boolean, make: () => T, group: RowGroup) => {
		const out = extra ? [...list] : list.slice(0, list.length - trailingEmpty(list, isEmpty));
		const wanted = Math.min(MAX_ROWS, extra ? out.length + (extra === group ? 1 : 0) : out.length + SPARE_ROWS);
		while (out.length < wanted) out.push(make());
		return out;
	};
	return {
		...state,
		organisations: pad(
			state.organisations,
			(o) => !o.trim(),
			() => '',
			'organisations'
		),
		indicators: pad(state.indicators, emptyIndicator, () => ({ name: '', value: '', unit: '', year: '' }), 'indicators'),
		links: pad(state.links, emptyLink, () => ({ label: '', url: '' }), 'links')
	};
}

function trailingEmpty<T>(list: T[], isEmpty: (row: T) => boolean): number {
	let n = 0;
	for (let i = list.length - 1; i >= 0 && isEmpty(list[i]!); i--) n++;
	return n;
}

const emptyIndicator = (r: IndicatorRow) => !r.name.trim() && !r.value.trim() && !r.unit.trim() && !r.year.trim();
const emptyLink = (r: LinkRow) => !r.label.trim() && !r.url.trim();

/**
 * The content object for the schemas, and where each kept row came from (empty rows are
 * dropped, so `indicators.0` of the content may be the form's `indicators[2]`).
 */
export function stateToInput(state: ExperienceFormState) {
	const input: Record<string, unknown> = {};
	for (const field of scalarFields) {
		// Not a content field: the service resolves it (see `check`).
		if (field === 'contactHandle') continue;
		const value = state.values[field] ?? '';
		input[field] = nullable.has(field) && !value.trim() ? null : value;
	}
	input.countries = state.countries;
	input.targets = state.targets;
	const keep = <T>(list: T[], isEmpty: (row: T) => boolean) => list.flatMap((row, i) => (isEmpty(row) ? [] : [i]));
	const origins = {
		organisations: keep(state.organisations, (o) => !o.trim()),
		indicators: keep(state.indicators, emptyIndicator),
		links: keep(state.links, emptyLink)
	};
	input.organisations = origins.organisations.map((i) => state.organisations[i]);
	input.indicators = origins.indicators.map((i) => {
		const r = state.indicators[i]!;
		return {
			name: r.name,
			value: r.value.trim() ? r.value.trim().replace(',', '.') : undefined,
			unit: r.unit,
			year: r.year.trim() || undefined
		};
	});
	input.links = origins.links.map((i) => ({ label: state.links[i]!.label, url: state.links[i]!.url.trim() }));
	return { input, origins };
}

/** Field errors keyed by the form's own names (`indicators[2].value`, `countries`). */
function formFieldErrors(fields: Record<string, string>, origins: ReturnType<typeof stateToInput>['origins'], locale: Locale) {
	const out: Record<string, string> = {};
	for (const [path, key] of Object.entries(fields)) {
		const parts = path.split('.');
		// A content path may be prefixed by the service's input object.
		if (parts[0] === 'content') parts.shift();
		const [head, index, sub] = parts;
		// The contact is typed as a handle, whichever way the service names its error.
		let name = head === 'contactUserId' ? 'contactHandle' : (head ?? '_');
		if ((head === 'indicators' || head === 'links' || head === 'organisations') && index !== undefined && /^\d+$/.test(index)) {
			const original = origins[head][Number(index)] ?? Number(index);
			name = head === 'organisations' ? `organisations[${original}]` : `${head}[${original}].${sub ?? ''}`;
			if (!sub && head !== 'organisations') name = head;
		}
		out[name] ??= translate(key, locale);
	}
	return out;
}

export type ExperienceFormFailure = {
	form: 'experience';
	message: string;
	fields: Record<string, string>;
	state: ExperienceFormState;
	/** On creation: the chosen space. */
	space?: string | undefined;
};

export function formFailure(
	status: number,
	locale: Locale,
	messageKey: string,
	fields: Record<string, string>,
	state: ExperienceFormState,
	origins: ReturnType<typeof stateToInput>['origins'],
	space?: string
) {
	return fail(status, {
		form: 'experience' as const,
		message: translate(messageKey, locale),
		fields: formFieldErrors(fields, origins, locale),
		state,
		space
	} satisfies ExperienceFormFailure);
}

/**
 * Checks the form with the draft rules, or the submission rules when `strict`. The content
 * goes to the service with the contact's handle as typed (`contactHandle`): the service
 * resolves it to a member, or answers with an error on that field.
 */
export function check(state: ExperienceFormState, strict: boolean) {
	const { input, origins } = stateToInput(state);
	const parsed = (strict ? experienceContent : experienceDraft).safeParse(input);
	const contactHandle = state.values.contactHandle ?? '';
	return parsed.success
		? { ok: true as const, content: { ...parsed.data, contactHandle }, origins }
		: { ok: false as const, fields: issuesToFields(parsed.error.issues), origins };
}

/** A service error as a form failure (validation fields included), or rethrown. */
export function serviceFailure(
	caught: unknown,
	locale: Locale,
	state: ExperienceFormState,
	origins: ReturnType<typeof stateToInput>['origins'],
	space?: string
) {
	if (!isAppError(caught)) throw caught;
	const fields = { ...caught.fields };
	// A space that is gone or closed to the member: said beside the space select.
	if (space !== undefined && (caught.status === 403 || caught.status === 404)) fields.space ??= caught.messageKey;
	return formFailure(caught.status, locale, caught.messageKey, fields, state, origins, space);
}

/** Countries and regions for the form's select, in the reader's language. */
export function placeOptions(locale: Locale): PlaceOptions {
	const { countries } = profileOptions(locale);
	return {
		regions: regionCodes.map((code) => ({ code, name: translate(`expweb_region_${code}`, locale) })),
		region: countries.region,
		other: countries.other,
		currencies: [...currencies]
	};
}

/** « Ajouter une ligne »: the form as posted, one more row in the group its button names. */
export async function addRowAction(request: Request) {
	const data = await request.formData();
	const row = data.get('row');
	const group: RowGroup = row === 'indicators' || row === 'links' ? row : 'organisations';
	return {
		form: 'experience' as const,
		state: withSpareRows(readForm(data), group),
		space: typeof data.get('space') === 'string' ? String(data.get('space')) : undefined,
		// Focus lands back on the new row's fieldset (no-JS: through the fragment).
		added: group
	};
}

/** Fields written in Markdown, rendered here on the server (never raw HTML from a client). */
export const markdownFields = ['benefits', 'results', 'difficulties', 'lessons'] as const;

/**
 * What the fiche page, its print view and the comparison show of a content: the fields as
 * stored, Markdown rendered to safe HTML, places and the contact person named.
 */
export async function viewOf(locals: App.Locals, content: ExperienceContent): Promise<ExperienceView> {
	let contact: { displayName: string; url: string } | null = null;
	if (content.contactUserId) {
		const member = await locals.services.accounts.member(locals.auth, content.contactUserId).catch(() => null);
		if (member) contact = { displayName: member.displayName, url: member.url };
	}
	return {
		content,
		html: Object.fromEntries(markdownFields.map((f) => [f, content[f] ? renderMarkdown(content[f]) : ''])) as Record<
			(typeof markdownFields)[number],
			string
		>,
		places: content.countries.map((code) => placeLabel(code, locals.locale)),
		contact
	};
}

export function placeLabel(code: string, locale: Locale): string {
	return (regionCodes as readonly string[]).includes(code)
		? translate(`expweb_region_${code}`, locale)
		: countryName(code, locale);
}

/** One field's value as a table cell or a history entry: plain text, rendered Markdown, or a list. */
export type { Cell };

const enumKeys: Record<string, string> = {
	area: 'expweb_area_',
	mechanism: 'expweb_mech_',
	contributionFrequency: 'expweb_freq_'
};

/**
 * A stored field value in readable French (server side: the comparison and the history
 * receive values as `unknown`, from any version of the fiche).
 */
export async function cellOf(locals: App.Locals, field: string, value: unknown, names: Map<string, string>): Promise<Cell> {
	const locale = locals.locale;
	const number = (n: unknown) =>
		typeof n === 'number' ? new Intl.NumberFormat(locale === 'en' ? 'en-GB' : 'fr-FR').format(n) : String(n ?? '');
	if (value === null || value === undefined || value === '') return { text: '' };
	if ((markdownFields as readonly string[]).includes(field) && typeof value === 'string') return { html: renderMarkdown(value) };
	if (field in enumKeys && typeof value === 'string') return { text: translate(`${enumKeys[field]}${value}`, locale) };
	if (field === 'countries' && Array.isArray(value)) return { list: value.map((c) => placeLabel(String(c), locale)) };
	if (field === 'targets' && Array.isArray(value))
		return { list: value.map((t) => translate(`expweb_target_${String(t)}`, locale)) };
	if (field === 'organisations' && Array.isArray(value)) return { list: value.map(String) };
	if (field === 'indicators' && Array.isArray(value)) {
		return {
			list: (value as { name?: string; value?: number; unit?: string; year?: number }[]).map((i) =>
				[`${i.name ?? ''} : ${number(i.value)}`, i.unit, i.year ? `(${i.year})` : ''].filter(Boolean).join(' ')
			)
		};
	}
	if (field === 'links' && Array.isArray(value)) {
		return {
			links: (value as { label?: string; url?: string }[]).map((l) => ({ label: l.label || l.url || '', url: l.url ?? '' }))
		};
	}
	if (field === 'contactUserId' && typeof value === 'string') {
		if (!names.has(value)) {
			const member = await locals.services.accounts.member(locals.auth, value).catch(() => null);
			names.set(value, member?.displayName ?? '');
		}
		return { text: names.get(value) ?? '' };
	}
	if (field === 'contributionAmount' || field === 'members' || field === 'beneficiaries') return { text: number(value) };
	return { text: typeof value === 'string' ? value : String(value) };
}
