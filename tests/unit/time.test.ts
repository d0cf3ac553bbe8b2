import { describe, expect, it } from 'vitest';
import { relativeTime } from '../../web/src/lib/time.ts';

describe('relative time', () => {
	const now = Date.parse('2026-11-23T12:00:00Z');
	it('speaks French first, English second', () => {
		expect(relativeTime('2026-11-23T09:00:00Z', 'fr', now)).toBe('il y a 3 heures');
		expect(relativeTime('2026-11-23T09:00:00Z', 'en', now)).toBe('3 hours ago');
		expect(relativeTime('2026-11-22T12:00:00Z', 'fr', now)).toBe('hier');
		expect(relativeTime('2026-11-23T11:59:30Z', 'fr', now)).toBe('maintenant');
	});
});
