import { error, redirect } from '@sveltejs/kit';
import { decodeCsvBytes } from '$server/modules/moderation/watched-words';
import { importWatchedWordsInput, watchedWordInput, watchedWordParams } from '$server/modules/moderation/watched-words.schema';
import { runForm } from '$lib/server/forms';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	if (!locals.auth) redirect(303, `/connexion?next=${encodeURIComponent(url.pathname + url.search)}`);
	if (locals.auth.user.role !== 'admin') error(404);
	const items = await locals.services.watchedWords.list(locals.auth);
	const editing = url.searchParams.get('modifier');
	return { items, editing: items.some((w) => w.id === editing) ? editing : null };
};

/** Form fields → the API's input: an unticked checkbox is simply absent. */
const pickEntry = (v: Record<string, string>) => ({
	phrase: v.phrase ?? '',
	action: v.action ?? '',
	replacement: v.replacement || null,
	wholeWord: v.wholeWord === 'on'
});

/** The row an action names in its hidden `id` field, or 404. */
async function targetId(event: RequestEvent): Promise<string> {
	const data = await event.request.clone().formData();
	const id = watchedWordParams.safeParse({ id: data.get('id') });
	if (!id.success) error(404);
	return id.data.id;
}

/*
 * The service re-checks that the caller is an admin: the page guard is a convenience, not
 * the gate. Each failure names its form (`add`, `import`, or the row's id) so the page shows
 * the errors and the typed values in the right place.
 */
export const actions: Actions = {
	add: async (event) => {
		const { watchedWords } = event.locals.services;
		const result = await runForm(event, watchedWordInput, (input) => watchedWords.create(event.locals.auth, input), {
			pick: pickEntry,
			form: 'add'
		});
		if (!('ok' in result)) return result;
		return { done: 'added' as const, phrase: result.result.phrase };
	},

	update: async (event) => {
		const id = await targetId(event);
		const { watchedWords } = event.locals.services;
		const result = await runForm(event, watchedWordInput, (input) => watchedWords.update(event.locals.auth, id, input), {
			pick: pickEntry,
			form: id
		});
		if (!('ok' in result)) return result;
		return { done: 'updated' as const, phrase: result.result.phrase };
	},

	delete: async (event) => {
		const id = await targetId(event);
		const { watchedWords } = event.locals.services;
		const result = await runForm(event, watchedWordParams, (input) => watchedWords.remove(event.locals.auth, input.id), {
			pick: () => ({ id }),
			form: id
		});
		if (!('ok' in result)) return result;
		return { done: 'deleted' as const, phrase: result.result.phrase };
	},

	/** The file, when one is chosen, takes the place of the pasted text. */
	import: async (event) => {
		const data = await event.request.clone().formData();
		const file = data.get('file');
		const fileText = file instanceof File && file.size > 0 ? decodeCsvBytes(new Uint8Array(await file.arrayBuffer())) : '';
		const { watchedWords } = event.locals.services;
		const result = await runForm(
			event,
			importWatchedWordsInput,
			(input) => watchedWords.importCsv(event.locals.auth, input.csv, input.mode),
			{ pick: (v) => ({ csv: fileText || v.csv || '', mode: v.mode || 'merge' }), form: 'import' }
		);
		if (!('ok' in result)) {
			// Show the file's text in the box, so the admin can fix the lines named.
			if (fileText) result.data.values.csv = fileText;
			return result;
		}
		return { done: 'imported' as const, summary: result.result };
	}
};
