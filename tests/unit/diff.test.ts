import { describe, expect, it } from 'vitest';
import { diffWords } from '../../server/lib/diff.ts';

describe('word diff', () => {
	it('marks removed and added words, keeping the rest', () => {
		expect(diffWords('la cotisation est de 500 FCFA', 'la cotisation est de 700 FCFA par mois')).toEqual([
			[0, 'la cotisation est de '],
			[-1, '500'],
			[1, '700'],
			[0, ' FCFA'],
			[1, ' par mois']
		]);
	});
	it('handles empty sides', () => {
		expect(diffWords('', 'nouveau')).toEqual([[1, 'nouveau']]);
		expect(diffWords('ancien', '')).toEqual([[-1, 'ancien']]);
	});
});
