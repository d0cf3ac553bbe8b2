import { describe, expect, it } from 'vitest';
import type { Auth } from '../../server/auth/auth.ts';
import { spaceAccess, type SpaceAccessFacts } from '../../server/modules/spaces/access.ts';

const user = (role: 'member' | 'moderator' | 'admin'): Auth => ({
	user: { id: 'u', email: 'u@x', displayName: 'U', role, locale: 'fr' },
	session: { id: 's', expiresAt: new Date() }
});
const space = (
	visibility: SpaceAccessFacts['visibility'],
	membership: SpaceAccessFacts['membership'] = null,
	archived = false
) => ({
	visibility,
	archivedAt: archived ? new Date() : null,
	membership
});

describe('space permission table', () => {
	it('lets anyone read public spaces, signed-in people read members spaces, members read private ones', () => {
		expect(spaceAccess.read(null, space('public'))).toBe(true);
		expect(spaceAccess.read(null, space('members'))).toBe(false);
		expect(spaceAccess.read(user('member'), space('members'))).toBe(true);
		expect(spaceAccess.read(user('member'), space('private'))).toBe(false);
		expect(spaceAccess.read(user('member'), space('private', { role: 'member', status: 'requested' }))).toBe(false);
		expect(spaceAccess.read(user('member'), space('private', { role: 'member', status: 'invited' }))).toBe(false);
		expect(spaceAccess.read(user('member'), space('private', { role: 'member', status: 'active' }))).toBe(true);
		expect(spaceAccess.read(user('admin'), space('private'))).toBe(true);
	});

	it('keeps site and space moderators out of private spaces they are not in', () => {
		expect(spaceAccess.moderate(user('moderator'), space('private'))).toBe(false);
		expect(spaceAccess.moderate(user('moderator'), space('public'))).toBe(true);
		expect(spaceAccess.moderate(user('member'), space('public', { role: 'moderator', status: 'active' }))).toBe(true);
		expect(spaceAccess.moderate(user('member'), space('public'))).toBe(false);
		expect(spaceAccess.manage(user('moderator'), space('public'))).toBe(false);
		expect(spaceAccess.manage(user('member'), space('private', { role: 'moderator', status: 'active' }))).toBe(true);
	});

	it('makes archived spaces read-only and keeps visitors from posting', () => {
		expect(spaceAccess.post(null, space('public'))).toBe(false);
		expect(spaceAccess.post(user('member'), space('public'))).toBe(true);
		expect(spaceAccess.post(user('member'), space('public', null, true))).toBe(false);
		expect(spaceAccess.post(user('member'), space('private'))).toBe(false);
	});
});
