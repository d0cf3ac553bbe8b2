import { diffWords } from '../../lib/diff.ts';
import { experienceDraft, type ExperienceContent } from './content.ts';
import type { FieldChange } from './experiences.schema.ts';

/** Every field of a fiche, in the form's order: history, comparison and export follow it. */
export const experienceFields = Object.keys(experienceDraft.shape) as (keyof ExperienceContent)[];

/** Long texts, shown with a word diff besides before/after. */
const wordDiffFields = new Set<keyof ExperienceContent>([
	'summary',
	'benefits',
	'partners',
	'results',
	'difficulties',
	'lessons',
	'subsidies'
]);

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Field-by-field changes from one version to the next, in the form's order. */
export function diffContent(before: ExperienceContent, after: ExperienceContent): FieldChange[] {
	const changes: FieldChange[] = [];
	for (const field of experienceFields) {
		const a = before[field] ?? null;
		const b = after[field] ?? null;
		if (same(a, b)) continue;
		const change: FieldChange = { field, before: a, after: b };
		if (wordDiffFields.has(field) && typeof a === 'string' && typeof b === 'string') change.words = diffWords(a, b);
		changes.push(change);
	}
	return changes;
}
