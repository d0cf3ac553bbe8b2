import { describe, expect, it } from 'vitest';
import { experienceContent, experienceDraft } from '../../server/modules/experiences/content.ts';

/** The fiche's own rules, each answering with the key of a message the form shows next to its field. */
function errors(input: Record<string, unknown>, schema = experienceDraft) {
	const parsed = schema.safeParse(input);
	return parsed.success ? {} : Object.fromEntries(parsed.error.issues.map((i) => [i.path.join('.'), i.message]));
}

describe('fiche content', () => {
	it('names what is wrong with numbers a person typed', () => {
		expect(errors({ startYear: 'deux mille' })).toEqual({ startYear: 'exp_error_year' });
		expect(errors({ members: 'beaucoup' })).toEqual({ members: 'exp_error_number' });
		expect(errors({ members: -3 })).toEqual({ members: 'exp_error_negative' });
		expect(errors({ contributionAmount: 'cinq cents', currency: 'XOF' })).toEqual({ contributionAmount: 'exp_error_number' });
	});

	it('checks the fields against each other', () => {
		expect(errors({ startYear: 2010, endYear: 2005 })).toEqual({ endYear: 'exp_error_end_before_start' });
		expect(errors({ contributionAmount: 500 })).toEqual({ currency: 'exp_error_currency_required' });
		expect(errors({ mechanism: 'autre' })).toEqual({ mechanismOther: 'exp_error_other_required' });
		expect(errors({ currency: 'ABC' })).toEqual({ currency: 'exp_error_currency' });
	});

	it('saves a half-written draft but asks for the starred fields at submission (a title of five letters is enough)', () => {
		expect(errors({ title: 'Brouillon' })).toEqual({});
		expect(Object.keys(errors({ title: 'Essai' }, experienceContent)).sort()).toEqual(
			['countries', 'lessons', 'mechanism', 'startYear', 'summary', 'targets'].sort()
		);
	});
});
