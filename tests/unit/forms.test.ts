import { describe, expect, it } from 'vitest';
import { isForeignRequest } from '../../server/lib/security.ts';
import { safeNext } from '../../web/src/lib/server/next.ts';

describe('?next= redirects (open redirect)', () => {
	it('accepts only same-site relative paths', () => {
		expect(safeNext('/compte?x=1#a')).toBe('/compte?x=1#a');
		for (const bad of [
			'https://evil.example',
			'//evil.example',
			'/\\evil.example',
			'javascript:alert(1)',
			'compte',
			'',
			null,
			undefined,
			'/\t/evil.example'
		]) {
			expect(safeNext(bad)).toBe('/');
		}
	});
});

describe('cross-site request check', () => {
	const origin = 'https://palabre.example.org';
	it('lets safe methods and same-origin writes through', () => {
		expect(isForeignRequest({ method: 'GET', headers: { origin: 'https://evil.example' } }, origin)).toBe(false);
		expect(isForeignRequest({ method: 'POST', headers: { origin } }, origin)).toBe(false);
		expect(isForeignRequest({ method: 'POST', headers: { 'sec-fetch-site': 'same-origin' } }, origin)).toBe(false);
		expect(isForeignRequest({ method: 'POST', headers: {} }, origin)).toBe(false);
	});
	it('refuses foreign, null and cross-site writes', () => {
		expect(isForeignRequest({ method: 'POST', headers: { origin: 'https://evil.example' } }, origin)).toBe(true);
		expect(isForeignRequest({ method: 'DELETE', headers: { origin: 'null' } }, origin)).toBe(true);
		expect(isForeignRequest({ method: 'PUT', headers: { origin: `${origin}.evil.example` } }, origin)).toBe(true);
		expect(isForeignRequest({ method: 'PATCH', headers: { 'sec-fetch-site': 'cross-site' } }, origin)).toBe(true);
		expect(isForeignRequest({ method: 'POST', headers: { 'sec-fetch-site': 'same-site' } }, origin)).toBe(true);
	});
});
