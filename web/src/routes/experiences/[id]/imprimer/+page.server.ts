import { error } from '@sveltejs/kit';
import { experienceIdParams } from '$server/modules/experiences/experiences.schema';
import { viewOf } from '$lib/server/experiences';
import { orHttpError } from '$lib/server/load';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const id = experienceIdParams.safeParse({ id: params.id });
	if (!id.success) error(404);
	const experience = await orHttpError(locals.locale, () => locals.services.experiences.get(locals.auth, id.data.id));
	return {
		// The root layout leaves out its header, navigation and footer: a sheet of paper has no UI.
		bare: true,
		experience: {
			title: experience.content.title,
			summary: experience.content.summary,
			space: experience.space.name,
			publishedVersion: experience.publishedVersion,
			publishedAt: experience.publishedAt,
			authors: experience.authors.map((a) => a.displayName),
			attachments: experience.attachments.map((a) => ({ filename: a.filename, url: `${url.origin}${a.url}` }))
		},
		view: await viewOf(locals, experience.content),
		source: `${url.origin}${experience.url}`
	};
};
