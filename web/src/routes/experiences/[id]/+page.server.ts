import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { isAppError } from '$server/lib/errors';
import { addAuthorInput, experienceIdParams, returnInput } from '$server/modules/experiences/experiences.schema';
import { viewOf } from '$lib/server/experiences';
import { runForm } from '$lib/server/forms';
import { orHttpError } from '$lib/server/load';
import type { Actions, PageServerLoad } from './$types';

const doneKinds = z.enum(['soumise', 'publiee', 'renvoyee', 'coauteur']);

function fiche(params: { id: string }): string {
	const id = experienceIdParams.safeParse({ id: params.id });
	if (!id.success) error(404);
	return id.data.id;
}

/** The first page of the fiche's discussion thread, or null (not published yet, or hidden). */
async function discussion(locals: App.Locals, threadId: string) {
	try {
		const page = await locals.services.threads.get(locals.auth, threadId, { n: 1 });
		return {
			url: page.thread.url,
			postCount: page.thread.postCount,
			canReply: page.thread.can.reply,
			posts: page.posts
				.filter((p) => !p.deleted && p.bodyHtml !== null)
				.map((p) => ({
					id: p.id,
					number: p.number,
					author: { url: p.author.url, displayName: p.author.displayName },
					createdAt: p.createdAt,
					bodyHtml: p.bodyHtml
				}))
		};
	} catch (caught) {
		if (isAppError(caught)) return null;
		throw caught;
	}
}

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const id = fiche(params);
	const experience = await orHttpError(locals.locale, () => locals.services.experiences.get(locals.auth, id));
	const done = doneKinds.safeParse(url.searchParams.get('fait'));
	return {
		experience: {
			id: experience.id,
			url: experience.url,
			status: experience.status,
			space: experience.space,
			publishedVersion: experience.publishedVersion,
			publishedAt: experience.publishedAt,
			returnComment: experience.returnComment,
			authors: experience.authors,
			attachments: experience.attachments,
			can: experience.can,
			title: experience.content.title,
			summary: experience.content.summary,
			// Authors and moderators see the working copy; say so when readers see another version.
			revising: experience.published !== null && experience.status !== 'published'
		},
		view: await viewOf(locals, experience.content),
		// Authors and reviewers see the life-cycle state; readers only see the published fiche.
		showStatus: Object.values(experience.can).some(Boolean),
		thread: experience.thread ? await discussion(locals, experience.thread.id) : null,
		done: done.success ? done.data : null
	};
};

async function step(
	event: RequestEvent<{ id: string }>,
	done: z.infer<typeof doneKinds>,
	call: (id: string) => Promise<unknown>
) {
	const id = fiche(event.params);
	const result = await runForm(event, z.object({}), () => call(id), { pick: () => ({}), form: done });
	if (!('ok' in result)) return result;
	redirect(303, `/experiences/${id}?fait=${done}`);
}

export const actions: Actions = {
	submit: (event) => step(event, 'soumise', (id) => event.locals.services.experiences.submit(event.locals.auth, id)),
	publish: (event) => step(event, 'publiee', (id) => event.locals.services.experiences.publish(event.locals.auth, id)),
	return: async (event) => {
		const id = fiche(event.params);
		const { locals } = event;
		const result = await runForm(
			event,
			returnInput,
			(input) => locals.services.experiences.returnToAuthors(locals.auth, id, input.comment),
			{
				pick: (v) => ({ comment: v.comment ?? '' }),
				form: 'return'
			}
		);
		if (!('ok' in result)) return result;
		redirect(303, `/experiences/${id}?fait=renvoyee`);
	},
	addAuthor: async (event) => {
		const id = fiche(event.params);
		const { locals } = event;
		const result = await runForm(
			event,
			addAuthorInput,
			(input) => locals.services.experiences.addAuthor(locals.auth, id, input.handle),
			{
				pick: (v) => ({ handle: v.handle ?? '' }),
				form: 'addAuthor'
			}
		);
		if (!('ok' in result)) return result;
		redirect(303, `/experiences/${id}?fait=coauteur`);
	}
};
