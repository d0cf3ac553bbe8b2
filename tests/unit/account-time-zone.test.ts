import { describe, expect, it } from 'vitest';
import { updateProfileInput } from '../../server/modules/accounts/accounts.schema.ts';

describe('a member’s time zone setting (accounts schema)', () => {
	it('takes an IANA zone Intl knows, and empty or null for « automatic »', () => {
		expect(updateProfileInput.parse({ timeZone: 'Africa/Douala' })).toEqual({ timeZone: 'Africa/Douala' });
		expect(updateProfileInput.parse({ timeZone: ' Europe/Paris ' })).toEqual({ timeZone: 'Europe/Paris' });
		expect(updateProfileInput.parse({ timeZone: '' })).toEqual({ timeZone: null });
		expect(updateProfileInput.parse({ timeZone: null })).toEqual({ timeZone: null });
		expect(updateProfileInput.parse({})).toEqual({});
	});

	it('refuses what is not a zone, with its catalogue key', () => {
		for (const bad of ['Africa/Atlantis', 'europe/paris', 'Paris', '../../etc/passwd', 'A'.repeat(200), 42]) {
			const parsed = updateProfileInput.safeParse({ timeZone: bad });
			expect(parsed.success, String(bad)).toBe(false);
			expect(parsed.error?.issues[0]?.message).toBe('error_time_zone');
		}
	});
});
