import { z } from 'zod';
import { watchedWordActions } from '../../../db/schema/values.ts';
import { PHRASE_MAX } from './watched-words.ts';

export const watchedWordInput = z
	.strictObject({
		phrase: z.string().trim().min(1, 'ww_error_phrase').max(PHRASE_MAX, 'ww_error_phrase'),
		action: z.enum(watchedWordActions, 'ww_error_action'),
		/** Required for `replace`; ignored (stored as null) otherwise. */
		replacement: z.string().trim().max(PHRASE_MAX, 'ww_error_replacement').nullish(),
		wholeWord: z.boolean('error_field_type').default(true)
	})
	.superRefine((input, ctx) => {
		if (input.action === 'replace' && !input.replacement) {
			ctx.addIssue({ code: 'custom', path: ['replacement'], message: 'ww_error_replacement_required' });
		}
	});
export type WatchedWordInput = z.infer<typeof watchedWordInput>;

export const watchedWordParams = z.strictObject({ id: z.uuid('error_not_found') });

export const importModes = ['merge', 'replace'] as const;
export type ImportMode = (typeof importModes)[number];

export const importWatchedWordsInput = z.strictObject({
	/** The file's text. 60 000 characters: thousands of entries, under the request size limit. */
	csv: z.string().min(1, 'ww_csv_empty').max(60_000, 'ww_csv_too_long'),
	/** `merge`: add new phrases, update known ones. `replace`: the file becomes the list. */
	mode: z.enum(importModes, 'ww_error_mode').default('merge')
});
export type ImportWatchedWordsInput = z.infer<typeof importWatchedWordsInput>;

export const watchedWordOutput = z.object({
	id: z.uuid(),
	phrase: z.string(),
	action: z.enum(watchedWordActions),
	replacement: z.string().nullable(),
	wholeWord: z.boolean(),
	createdAt: z.iso.datetime()
});
export type WatchedWordOutput = z.infer<typeof watchedWordOutput>;

export const importSummaryOutput = z.object({
	mode: z.enum(importModes),
	added: z.number().int(),
	updated: z.number().int(),
	unchanged: z.number().int(),
	removed: z.number().int()
});
export type ImportSummary = z.infer<typeof importSummaryOutput>;
