import { isAppError } from '$server/lib/errors';
import { searchQuery, type SearchOutput } from '$server/modules/search/search.schema';
import type { PageServerLoad } from './$types';

/** The form speaks French in the address bar; the service takes the API's names. */
const SORTS = { pertinence: 'relevance', date: 'date' } as const;

type Problem = 'q' | 'author' | 'dates' | 'other';

export const load: PageServerLoad = async ({ locals, url }) => {
	const param = (name: string) => url.searchParams.get(name)?.trim() ?? '';
	const values = {
		q: param('q'),
		espace: param('espace'),
		auteur: param('auteur'),
		du: param('du'),
		au: param('au'),
		tri: param('tri') === 'date' ? 'date' : 'pertinence'
	};
	const spaces = await locals.services.search.spaceChoices(locals.auth);
	const base = { values, spaces, results: null as SearchOutput | null, problems: [] as Problem[] };
	if (!values.q) return base;

	const parsed = searchQuery.safeParse({
		q: values.q,
		space: values.espace || undefined,
		author: values.auteur || undefined,
		from: values.du || undefined,
		to: values.au || undefined,
		sort: SORTS[values.tri as keyof typeof SORTS],
		after: param('apres') || undefined
	});
	if (!parsed.success) {
		const problems = new Set<Problem>();
		for (const issue of parsed.error.issues) {
			const field = issue.path[0];
			problems.add(field === 'q' ? 'q' : field === 'author' ? 'author' : field === 'from' || field === 'to' ? 'dates' : 'other');
		}
		return { ...base, problems: [...problems] };
	}
	try {
		return { ...base, results: await locals.services.search.query(locals.auth, parsed.data) };
	} catch (error) {
		// A stale or edited `apres` cursor: say so rather than fail the page.
		if (isAppError(error) && error.status === 400) return { ...base, problems: ['other' as Problem] };
		throw error;
	}
};
