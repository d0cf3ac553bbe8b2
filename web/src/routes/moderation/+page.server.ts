import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { queueItemKinds } from '$db/schema/values';
import { claimInput, noteInput, queueQuery, reasonInput } from '$server/modules/moderation/queue.schema';
import { runForm, safeNext } from '$lib/server/forms';
import { orHttpError } from '$lib/server/load';
import type { Actions, PageServerLoad } from './$types';

/** What each action's confirmation says once back on the queue (`?fait=`). */
const doneKinds = ['claim', 'release', 'approve', 'reject', 'hide', 'restore', 'keep', 'thread_restore'] as const;
export type QueueDone = (typeof doneKinds)[number];

export const load: PageServerLoad = async ({ locals, url }) => {
	const { moderation, reasons, spaces } = locals.services;
	// Only moderators know this page exists.
	const moderated = await moderation.moderatedSpaceIds(locals.auth);
	if (!locals.auth || moderated.length === 0) error(404);
	const filter = queueQuery.safeParse({ space: url.searchParams.get('espace') || undefined });
	const spaceSlug = filter.success ? filter.data.space : undefined;
	const ids = new Set(moderated);
	const [items, reasonList, readable] = await orHttpError(locals.locale, () =>
		Promise.all([
			moderation.queue(locals.auth, { spaceSlug }),
			reasons.list(locals.auth, locals.locale),
			spaces.list(locals.auth)
		])
	);
	const done = z.enum(doneKinds).safeParse(url.searchParams.get('fait'));
	// Fiches d'expérience waiting for review: published or returned from their own page.
	const submittedExperiences = (await locals.services.experiences.submitted(locals.auth)).items;
	return {
		submittedExperiences,
		items,
		reasons: reasonList.map((r) => ({ code: r.code, label: r.label, needsNote: r.needsNote })),
		spaces: readable.filter((s) => ids.has(s.id)).map((s) => ({ slug: s.slug, name: s.name })),
		space: spaceSlug ?? '',
		done: done.success ? done.data : null
	};
};

const target = z.strictObject({ kind: z.enum(queueItemKinds), targetId: z.uuid('error_not_found') });

/** The queue item a form names in its hidden fields; the service checks the caller. */
async function item(event: RequestEvent) {
	const data = await event.request.clone().formData();
	const parsed = target.safeParse({ kind: data.get('kind'), targetId: data.get('targetId') });
	if (!parsed.success) error(404);
	const next = data.get('next');
	return { ...parsed.data, next: typeof next === 'string' && next ? safeNext(next, '') : '' };
}

/**
 * Back to the queue (post/redirect/get), with the space filter and a confirmation; or to
 * `next` when the form was on another page (a post's moderation forms on the thread page).
 */
function back(event: RequestEvent, done: QueueDone, next = ''): never {
	if (next) redirect(303, next);
	const space = event.url.searchParams.get('espace');
	redirect(303, `/moderation?${space ? `espace=${encodeURIComponent(space)}&` : ''}fait=${done}`);
}

const reasonFields = (v: Record<string, string>) => ({ reason: v.reason ?? '', note: v.note || undefined });
const noteFields = (v: Record<string, string>) => ({ note: v.note || undefined });

export const actions: Actions = {
	claim: async (event) => {
		const { kind, targetId, next } = await item(event);
		const { moderation } = event.locals.services;
		const result = await runForm(event, claimInput, (input) => moderation.claim(event.locals.auth, input.kind, input.targetId), {
			pick: () => ({ kind, targetId }),
			form: targetId
		});
		if (!('ok' in result)) return result;
		back(event, 'claim', next);
	},
	release: async (event) => {
		const { kind, targetId, next } = await item(event);
		const { moderation } = event.locals.services;
		const result = await runForm(
			event,
			claimInput,
			(input) => moderation.release(event.locals.auth, input.kind, input.targetId),
			{
				pick: () => ({ kind, targetId }),
				form: targetId
			}
		);
		if (!('ok' in result)) return result;
		back(event, 'release', next);
	},
	approve: async (event) => {
		const { targetId, next } = await item(event);
		const { moderation } = event.locals.services;
		const result = await runForm(event, z.object({}), () => moderation.approve(event.locals.auth, targetId), {
			pick: () => ({}),
			form: targetId
		});
		if (!('ok' in result)) return result;
		back(event, 'approve', next);
	},
	reject: async (event) => {
		const { targetId, next } = await item(event);
		const { moderation } = event.locals.services;
		const result = await runForm(event, reasonInput, (input) => moderation.reject(event.locals.auth, targetId, input), {
			pick: reasonFields,
			form: targetId
		});
		if (!('ok' in result)) return result;
		back(event, 'reject', next);
	},
	hide: async (event) => {
		const { targetId, next } = await item(event);
		const { moderation } = event.locals.services;
		const result = await runForm(event, reasonInput, (input) => moderation.hidePost(event.locals.auth, targetId, input), {
			pick: reasonFields,
			form: targetId
		});
		if (!('ok' in result)) return result;
		back(event, 'hide', next);
	},
	restore: async (event) => {
		const { targetId, next } = await item(event);
		const { moderation } = event.locals.services;
		const result = await runForm(event, noteInput, (input) => moderation.restorePost(event.locals.auth, targetId, input), {
			pick: noteFields,
			form: targetId
		});
		if (!('ok' in result)) return result;
		back(event, 'restore', next);
	},
	/** A reported thread: keep it hidden (`decision=keep`) or show it again (`restore`). */
	thread: async (event) => {
		const { targetId, next } = await item(event);
		const { moderation } = event.locals.services;
		const decision = z.strictObject({ decision: z.enum(['keep', 'restore']), note: noteInput.shape.note });
		const result = await runForm(
			event,
			decision,
			async (input) => {
				await moderation.decideThreadReports(event.locals.auth, targetId, input.decision, { note: input.note });
				return input.decision;
			},
			{ pick: (v) => ({ decision: v.decision ?? '', note: v.note || undefined }), form: targetId }
		);
		if (!('ok' in result)) return result;
		back(event, result.result === 'restore' ? 'thread_restore' : 'keep', next);
	}
};
