import { isAppError } from '$server/lib/errors';
import { experienceListQuery, type ExperienceListOutput } from '$server/modules/experiences/experiences.schema';
import { placeName } from '$lib/components/experiences/labels';
import type { PageServerLoad } from './$types';

/** The browse page's filters, named as in the API (`pays`, `mecanisme`…), so a link can be shared. */
const MULTI = ['pays', 'mecanisme', 'cible', 'milieu'] as const;
const SINGLE = ['q', 'de', 'a', 'resultats', 'tri', 'espace', 'apres'] as const;

export const load: PageServerLoad = async ({ locals, url }) => {
	const raw: Record<string, string | string[] | undefined> = {};
	for (const key of MULTI) raw[key] = url.searchParams.getAll(key).filter(Boolean);
	for (const key of SINGLE) raw[key] = url.searchParams.get(key)?.trim() || undefined;

	// A hand-edited address with a bad value: keep the valid filters, drop the others.
	let parsed = experienceListQuery.safeParse(raw);
	const invalid = !parsed.success;
	if (!parsed.success) {
		for (const issue of parsed.error.issues) delete raw[String(issue.path[0])];
		parsed = experienceListQuery.safeParse(raw);
	}
	const query = parsed.success ? parsed.data : experienceListQuery.parse({});

	let result: ExperienceListOutput;
	let stale = false;
	try {
		result = await locals.services.experiences.list(locals.auth, query);
	} catch (error) {
		// A stale `apres` cursor: start the list again rather than fail the page.
		if (!isAppError(error) || error.status !== 400 || !query.apres) throw error;
		stale = true;
		result = await locals.services.experiences.list(locals.auth, { ...query, apres: undefined });
	}

	// The filters of this page, without the cursor: the base of the export, next-page and facet links.
	const filters = new URLSearchParams();
	for (const key of MULTI) for (const value of query[key]) filters.append(key, value);
	for (const key of ['q', 'de', 'a', 'resultats', 'espace'] as const) {
		const value = query[key];
		if (value !== undefined && value !== '') filters.set(key, String(value));
	}
	if (query.tri !== 'date') filters.set('tri', query.tri);
	const base = filters.toString();
	const nextParams = new URLSearchParams(filters);
	if (result.next) nextParams.set('apres', result.next);

	return {
		query: {
			pays: query.pays as string[],
			mecanisme: query.mecanisme as string[],
			cible: query.cible as string[],
			milieu: query.milieu as string[],
			q: query.q ?? '',
			de: query.de === undefined ? '' : String(query.de),
			a: query.a === undefined ? '' : String(query.a),
			resultats: query.resultats ?? '',
			tri: query.tri,
			espace: query.espace ?? '',
			paged: Boolean(query.apres) && !stale
		},
		invalid,
		items: result.items.map((item) => ({
			id: item.id,
			url: item.url,
			title: item.title,
			summary: item.summary,
			places: item.countries.map((code) => placeName(code, locals.locale)),
			mechanism: item.mechanism,
			startYear: item.startYear,
			endYear: item.endYear,
			hasResults: item.hasResults,
			publishedAt: item.publishedAt,
			space: item.space
		})),
		facets: {
			...result.facets,
			countries: result.facets.countries.map((f) => ({ ...f, label: placeName(f.value, locals.locale) }))
		},
		total: result.total,
		next: result.next ? `/experiences?${nextParams}` : null,
		first: `/experiences${base ? `?${base}` : ''}`,
		exportCsv: `/api/v1/experiences/export?format=csv${base ? `&${base}` : ''}`,
		exportJson: `/api/v1/experiences/export?format=json${base ? `&${base}` : ''}`,
		filtered: base !== '',
		signedIn: Boolean(locals.auth)
	};
};
