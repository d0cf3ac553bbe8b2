import { error } from '@sveltejs/kit';
import { issuesToFields } from '$server/lib/error-handler';
import { isAppError } from '$server/lib/errors';
import { translate } from '$server/lib/i18n';
import { auditFilterInput, type AuditFilter } from '$server/modules/moderation/audit.schema';
import type { PageServerLoad } from './$types';

/**
 * The page's query names (French, shareable) and the API's. A filtered view is a plain GET
 * URL: it can be bookmarked, sent to a colleague, and works without JavaScript.
 */
const PARAMS = {
	acteur: 'actor',
	action: 'action',
	espace: 'space',
	type: 'targetType',
	cible: 'targetId',
	du: 'from',
	au: 'to',
	apres: 'cursor'
} as const satisfies Record<string, keyof AuditFilter>;

export const load: PageServerLoad = async ({ locals, url }) => {
	// Like the other admin pages: whoever may not read the log finds nothing here.
	if (!locals.auth) error(404);
	const { audit } = locals.services;
	const scope = await audit.scope(locals.auth).catch((caught: unknown) => {
		if (isAppError(caught) && (caught.status === 401 || caught.status === 403)) error(404);
		throw caught;
	});

	const values: Record<string, string> = {};
	const raw: Record<string, string> = {};
	for (const [param, field] of Object.entries(PARAMS)) {
		const value = url.searchParams.get(param)?.trim();
		if (!value) continue;
		values[param] = value;
		raw[field] = value;
	}
	const parsed = auditFilterInput.safeParse(raw);
	const apiFields = parsed.success ? {} : issuesToFields(parsed.error.issues);
	const errors = Object.fromEntries(
		Object.entries(PARAMS).flatMap(([param, field]) =>
			apiFields[field] ? [[param, translate(apiFields[field], locals.locale)]] : []
		)
	);
	const page = parsed.success ? await audit.list(locals.auth, parsed.data) : { items: [], next: null };

	// The export and the next page keep every filter (the export, under the API's names).
	const exportQuery = new URLSearchParams(Object.entries(raw).filter(([field]) => field !== 'cursor'));
	const filterQuery = new URLSearchParams(Object.entries(values).filter(([param]) => param !== 'apres'));
	const nextQuery = new URLSearchParams(filterQuery);
	if (page.next) nextQuery.set('apres', page.next);

	return {
		admin: locals.auth.user.role === 'admin',
		values,
		errors,
		items: page.items,
		nextUrl: page.next ? `?${nextQuery}` : null,
		firstUrl: values.apres ? `?${filterQuery}` : null,
		exportUrl: `/api/v1/moderation/audit/export${exportQuery.size ? `?${exportQuery}` : ''}`,
		spaces: scope.spaces.map((s) => ({ slug: s.slug, name: s.name }))
	};
};
