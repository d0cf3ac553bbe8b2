import { z } from 'zod';
import { cellOf, type Cell } from '$lib/server/experiences';
import { orHttpError } from '$lib/server/load';
import type { PageServerLoad } from './$types';

/** `?ids=a&ids=b` (the browse page's checkboxes) or `?ids=a,b`; unknown values are dropped. */
function idsOf(url: URL): string[] {
	const ids = url.searchParams
		.getAll('ids')
		.flatMap((v) => v.split(','))
		.map((v) => v.trim())
		.filter((v) => z.uuid().safeParse(v).success);
	return [...new Set(ids)].slice(0, 4);
}

export const load: PageServerLoad = async ({ locals, url }) => {
	const ids = idsOf(url);
	const { experiences } = locals.services;
	let table: {
		items: { id: string; url: string; title: string; space: { name: string; url: string }; publishedVersion: number }[];
		rows: { field: string; cells: Cell[] }[];
	} | null = null;
	if (ids.length >= 2) {
		const compared = await orHttpError(locals.locale, () => experiences.compare(locals.auth, ids));
		const names = new Map<string, string>();
		table = {
			items: compared.items.map((i) => ({
				id: i.id,
				url: i.url,
				title: i.title,
				space: { name: i.space.name, url: i.space.url },
				publishedVersion: i.publishedVersion
			})),
			rows: await Promise.all(
				compared.fields
					.filter((f) => f.field !== 'title')
					.map(async (f) => ({
						field: f.field,
						cells: await Promise.all(f.values.map((v) => cellOf(locals, f.field, v, names)))
					}))
			)
		};
	}
	// Up to four: offer the latest published fiches to add to the comparison.
	const candidates =
		ids.length < 4
			? (await experiences.list(locals.auth, {})).items
					.filter((i) => !ids.includes(i.id))
					.map((i) => ({ id: i.id, title: i.title }))
			: [];
	return { ids, table, candidates };
};
