import { error } from '@sveltejs/kit';
import { experienceIdParams } from '$server/modules/experiences/experiences.schema';
import { cellOf } from '$lib/server/experiences';
import { orHttpError } from '$lib/server/load';
import type { PageServerLoad } from './$types';

/** Fields shown as a word diff (the service sends `words` for long texts); the others before → after. */
export const load: PageServerLoad = async ({ locals, params }) => {
	const id = experienceIdParams.safeParse({ id: params.id });
	if (!id.success) error(404);
	const { experiences } = locals.services;
	const [experience, versions] = await orHttpError(locals.locale, () =>
		Promise.all([experiences.get(locals.auth, id.data.id), experiences.versions(locals.auth, id.data.id)])
	);
	const names = new Map<string, string>();
	const title = experience.published?.title ?? experience.content.title;
	return {
		experience: { id: experience.id, url: experience.url, title },
		// Newest first: the reader came to see what changed last.
		versions: (
			await Promise.all(
				versions.map(async (v) => ({
					number: v.number,
					publishedAt: v.publishedAt,
					submittedBy: v.submittedBy,
					approvedBy: v.approvedBy,
					attachments: v.attachments,
					attachmentChanges: v.attachmentChanges,
					changes: await Promise.all(
						v.changes.map(async (c) => ({
							field: c.field,
							words: c.words ?? null,
							before: c.words ? null : await cellOf(locals, c.field, c.before, names),
							after: c.words ? null : await cellOf(locals, c.field, c.after, names)
						}))
					)
				}))
			)
		).reverse()
	};
};
