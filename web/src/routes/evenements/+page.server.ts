import { eventListQuery, type EventListOutput } from '$server/modules/events/events.schema';
import { isAppError } from '$server/lib/errors';
import { eventKinds } from '$db/schema/values';
import { timeLines, viewerZone } from '$lib/server/events';
import { profileOptions } from '$lib/server/options';
import type { PageServerLoad } from './$types';

/**
 * Upcoming or past events, filtered in the address (`periode`, `type`, `espace`, `pays`,
 * `apres` for the next page) so that a filtered list is a link and the filter form is a
 * plain GET form.
 */
export const load: PageServerLoad = async ({ locals, url, cookies }) => {
	const raw: Record<string, unknown> = {
		periode: url.searchParams.get('periode') || undefined,
		type: url.searchParams.get('type') || undefined,
		espace: url.searchParams.get('espace') || undefined,
		pays: url.searchParams.getAll('pays').filter(Boolean),
		apres: url.searchParams.get('apres') || undefined
	};
	// A hand-edited address with a bad value: keep the valid filters, drop the others.
	let parsed = eventListQuery.safeParse(raw);
	const invalid = !parsed.success;
	if (!parsed.success) {
		for (const issue of parsed.error.issues) delete raw[String(issue.path[0])];
		parsed = eventListQuery.safeParse(raw);
	}
	const query = parsed.success ? parsed.data : eventListQuery.parse({});

	const [spaces, viewer, hostable] = await Promise.all([
		locals.services.spaces.list(locals.auth),
		viewerZone(locals, cookies),
		locals.auth ? locals.services.events.hostableSpaces(locals.auth) : Promise.resolve([])
	]);
	let result: EventListOutput;
	let stale = false;
	try {
		result = await locals.services.events.list(locals.auth, query);
	} catch (error) {
		// A stale `apres` cursor: start the list again rather than fail the page.
		if (!isAppError(error) || error.status !== 400 || !query.apres) throw error;
		stale = true;
		result = await locals.services.events.list(locals.auth, { ...query, apres: null });
	}

	// This page's filters without the cursor: the base of the period tabs and next-page links.
	const filters = new URLSearchParams();
	if (query.type) filters.set('type', query.type);
	if (query.espace) filters.set('espace', query.espace);
	for (const code of query.pays) filters.append('pays', code);
	const withPeriod = (periode: string, extra?: Record<string, string>) => {
		const params = new URLSearchParams(filters);
		if (periode !== 'a-venir') params.set('periode', periode);
		for (const [k, v] of Object.entries(extra ?? {})) params.set(k, v);
		const text = params.toString();
		return `/evenements${text ? `?${text}` : ''}`;
	};

	return {
		query: {
			periode: query.periode,
			type: query.type ?? '',
			espace: query.espace ?? '',
			pays: query.pays[0] ?? '',
			paged: Boolean(query.apres) && !stale
		},
		invalid,
		kinds: [...eventKinds],
		spaces: spaces.filter((s) => !s.archived).map((s) => ({ slug: s.slug, name: s.name })),
		countries: profileOptions(locals.locale).countries,
		viewerZone: viewer,
		items: result.items.map((item) => ({
			id: item.id,
			url: item.url,
			kind: item.kind,
			title: item.title,
			startsAt: item.startsAt,
			times: timeLines(item, viewer, locals.locale, 'short'),
			place: item.place,
			online: item.online,
			phase: item.phase,
			space: { name: item.space.name, url: item.space.url },
			counts: item.counts,
			registration: item.registration,
			hasSynthesis: item.hasSynthesis,
			hasRecording: item.hasRecording
		})),
		links: {
			upcoming: withPeriod('a-venir'),
			past: withPeriod('passes'),
			first: withPeriod(query.periode),
			next: result.next ? withPeriod(query.periode, { apres: result.next }) : null
		},
		filtered: filters.toString() !== '',
		canCreate: hostable.length > 0
	};
};
