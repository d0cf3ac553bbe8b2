import { describe, expect, it } from 'vitest';
import {
	isValidTimeZone,
	localToUtc,
	resolveLocalTime,
	utcToLocal,
	viewerTimeZone,
	zoneOfCountry
} from '../../server/modules/events/time-zones.ts';
import { countryCodes } from '../../server/modules/accounts/countries.ts';
import { eventTimes, formatRange, utcOffset, zoneCity, zoneOptionLabel } from '../../web/src/lib/event-time.ts';

/** Intl separates with narrow and plain no-break spaces depending on the ICU version. */
const flat = (text: string) => text.replace(/[\s\u202f\u00a0]+/g, ' ');

describe('event times as the page shows them (web/src/lib/event-time.ts)', () => {
	it('labels the Paris offset either side of the spring change (2026-03-29)', () => {
		// 01:00 UTC is the change: 02:00 CET becomes 03:00 CEST.
		expect(utcOffset('2026-03-29T00:30:00Z', 'Europe/Paris')).toBe('UTC+1');
		expect(utcOffset('2026-03-29T01:30:00Z', 'Europe/Paris')).toBe('UTC+2');
		const before = eventTimes(
			{ startsAt: '2026-03-28T09:00:00Z', endsAt: '2026-03-28T11:00:00Z', timeZone: 'Europe/Paris' },
			'Africa/Dakar',
			'fr'
		);
		expect(flat(before.event.text)).toBe('samedi 28 mars 2026, 10:00 – 12:00 heure de Paris (UTC+1)');
		expect(flat(before.viewer!.text)).toBe('09:00 – 11:00 chez vous, Dakar (UTC+0)');
		const after = eventTimes(
			{ startsAt: '2026-03-29T09:00:00Z', endsAt: '2026-03-29T11:00:00Z', timeZone: 'Europe/Paris' },
			'Africa/Dakar',
			'fr'
		);
		expect(flat(after.event.text)).toBe('dimanche 29 mars 2026, 11:00 – 13:00 heure de Paris (UTC+2)');
		expect(flat(after.viewer!.text)).toBe('09:00 – 11:00 chez vous, Dakar (UTC+0)');
	});

	it('labels the Paris offset either side of the autumn change (2026-10-25)', () => {
		// 01:00 UTC is the change: 03:00 CEST goes back to 02:00 CET.
		expect(utcOffset('2026-10-25T00:30:00Z', 'Europe/Paris')).toBe('UTC+2');
		expect(utcOffset('2026-10-25T01:30:00Z', 'Europe/Paris')).toBe('UTC+1');
		const sunday = eventTimes(
			{ startsAt: '2026-10-25T09:00:00Z', endsAt: '2026-10-25T10:30:00Z', timeZone: 'Africa/Dakar' },
			'Europe/Paris',
			'en'
		);
		expect(flat(sunday.event.text)).toBe('Sunday, 25 October 2026, 09:00–10:30 Dakar time (UTC+0)');
		expect(flat(sunday.viewer!.text)).toBe('10:00–11:30 your time, Paris (UTC+1)');
		const saturday = eventTimes(
			{ startsAt: '2026-10-24T09:00:00Z', endsAt: '2026-10-24T10:30:00Z', timeZone: 'Africa/Dakar' },
			'Europe/Paris',
			'en'
		);
		expect(flat(saturday.viewer!.text)).toBe('11:00–12:30 your time, Paris (UTC+2)');
	});

	it('shows Dakar at UTC+0 and Douala and N’Djamena at UTC+1, all year', () => {
		for (const instant of ['2026-01-15T12:00:00Z', '2026-07-15T12:00:00Z']) {
			expect(utcOffset(instant, 'Africa/Dakar')).toBe('UTC+0');
			expect(utcOffset(instant, 'Africa/Douala')).toBe('UTC+1');
			expect(utcOffset(instant, 'Africa/Ndjamena')).toBe('UTC+1');
		}
		expect(zoneCity('Africa/Ndjamena', 'fr')).toBe('N’Djamena');
		expect(zoneOptionLabel('Africa/Douala', 'fr', '2026-07-15T12:00:00Z')).toBe('Douala (UTC+1)');
		const seminar = { startsAt: '2026-11-24T10:00:00Z', endsAt: '2026-11-24T12:00:00Z', timeZone: 'Africa/Dakar' };
		const inDouala = eventTimes(seminar, 'Africa/Douala', 'fr');
		expect(flat(inDouala.event.text)).toBe('mardi 24 novembre 2026, 10:00 – 12:00 heure de Dakar (UTC+0)');
		expect(flat(inDouala.viewer!.text)).toBe('11:00 – 13:00 chez vous, Douala (UTC+1)');
		const inNdjamena = eventTimes({ ...seminar, timeZone: 'Africa/Ndjamena' }, 'Africa/Dakar', 'fr');
		expect(flat(inNdjamena.event.text)).toBe('mardi 24 novembre 2026, 11:00 – 13:00 heure de N’Djamena (UTC+1)');
		expect(flat(inNdjamena.viewer!.text)).toBe('10:00 – 12:00 chez vous, Dakar (UTC+0)');
	});

	it('repeats the dates for a viewer whose day differs, elides « de » before a vowel, and says nothing twice in one zone', () => {
		const evening = { startsAt: '2026-11-24T22:00:00Z', endsAt: '2026-11-24T23:30:00Z', timeZone: 'Africa/Abidjan' };
		const times = eventTimes(evening, 'Africa/Douala', 'fr');
		expect(flat(times.event.text)).toBe('mardi 24 novembre 2026, 22:00 – 23:30 heure d’Abidjan (UTC+0)');
		// 23:00 in Douala, 00:30 the next day: both dates are spelled out.
		expect(flat(times.viewer!.text)).toBe(
			'mardi 24 novembre 2026 à 23:00 – mercredi 25 novembre 2026 à 00:30 chez vous, Douala (UTC+1)'
		);
		expect(eventTimes(evening, 'Africa/Abidjan', 'fr').viewer).toBeNull();
		expect(flat(formatRange(evening.startsAt, evening.endsAt, 'America/Toronto', 'fr', 'short'))).toBe(
			'mar. 24 nov. 2026, 17:00 – 18:30'
		);
		expect(utcOffset('2026-11-24T22:00:00Z', 'America/Toronto')).toBe('UTC-5');
		expect(utcOffset('2026-11-24T22:00:00Z', 'Asia/Kolkata')).toBe('UTC+5:30');
		expect(zoneCity('Europe/Brussels', 'fr')).toBe('Bruxelles');
		expect(zoneCity('Europe/Brussels', 'en')).toBe('Brussels');
	});

	it('gives one instant with its date in the viewer’s zone, for a sentence (deadline, link shown from)', () => {
		const deadline = { startsAt: '2026-11-30T17:00:00Z', endsAt: '2026-11-30T17:00:00Z', timeZone: 'Africa/Dakar' };
		expect(flat(eventTimes(deadline, 'Europe/Paris', 'fr', 'long', 'always').viewer!.text)).toBe(
			'lundi 30 novembre 2026 à 18:00 chez vous, Paris (UTC+1)'
		);
		expect(flat(eventTimes(deadline, 'Europe/Paris', 'fr').viewer!.text)).toBe('18:00 chez vous, Paris (UTC+1)');
		expect(flat(eventTimes(deadline, 'Africa/Dakar', 'en').event.text)).toBe(
			'Monday, 30 November 2026 at 17:00 Dakar time (UTC+0)'
		);
	});
});

describe('local times typed by organisers → UTC (server/modules/events/time-zones.ts)', () => {
	const utc = (local: string, zone: string) => localToUtc(local, zone).toISOString();

	it('converts across the Paris spring change, and refuses the hour that does not exist', () => {
		expect(utc('2026-03-29T01:59', 'Europe/Paris')).toBe('2026-03-29T00:59:00.000Z');
		expect(resolveLocalTime('2026-03-29T02:00', 'Europe/Paris')).toEqual({ ok: false, reason: 'nonexistent' });
		expect(resolveLocalTime('2026-03-29T02:30', 'Europe/Paris')).toEqual({ ok: false, reason: 'nonexistent' });
		expect(() => localToUtc('2026-03-29T02:30', 'Europe/Paris')).toThrow(RangeError);
		expect(utc('2026-03-29T03:00', 'Europe/Paris')).toBe('2026-03-29T01:00:00.000Z');
		expect(utc('2026-03-30T10:00', 'Europe/Paris')).toBe('2026-03-30T08:00:00.000Z');
	});

	it('takes the first of the repeated autumn hour, and says it was ambiguous', () => {
		expect(resolveLocalTime('2026-10-25T02:30', 'Europe/Paris')).toEqual({
			ok: true,
			utc: new Date('2026-10-25T00:30:00.000Z'),
			ambiguous: true
		});
		expect(resolveLocalTime('2026-10-25T03:30', 'Europe/Paris')).toEqual({
			ok: true,
			utc: new Date('2026-10-25T02:30:00.000Z'),
			ambiguous: false
		});
		expect(utc('2026-10-25T01:59', 'Europe/Paris')).toBe('2026-10-24T23:59:00.000Z');
	});

	it('holds Dakar at UTC+0 and Douala and N’Djamena at UTC+1 all year, seconds optional', () => {
		for (const date of ['2026-01-15', '2026-03-29', '2026-07-15', '2026-10-25']) {
			expect(utc(`${date}T10:00`, 'Africa/Dakar')).toBe(`${date}T10:00:00.000Z`);
			expect(utc(`${date}T10:00`, 'Africa/Douala')).toBe(`${date}T09:00:00.000Z`);
			expect(utc(`${date}T10:00:30`, 'Africa/Ndjamena')).toBe(`${date}T09:00:30.000Z`);
		}
		// Across midnight: 00:30 in Douala is the evening before in UTC.
		expect(utc('2026-12-01T00:30', 'Africa/Douala')).toBe('2026-11-30T23:30:00.000Z');
		expect(utcToLocal('2026-11-30T23:30:00Z', 'Africa/Douala')).toBe('2026-12-01T00:30');
		expect(utcToLocal(localToUtc('2026-03-29T03:15', 'Europe/Paris'), 'Europe/Paris')).toBe('2026-03-29T03:15');
	});

	it('refuses what is not a date-time or not a zone', () => {
		for (const bad of [
			'2026-02-29T10:00',
			'2026-13-01T10:00',
			'2026-04-31T10:00',
			'2026-01-01T24:00',
			'2026-01-01',
			'demain 10h',
			''
		]) {
			expect(resolveLocalTime(bad, 'Africa/Dakar'), bad).toEqual({ ok: false, reason: 'invalid' });
		}
		expect(resolveLocalTime('2028-02-29T10:00', 'Africa/Dakar').ok).toBe(true);
		expect(resolveLocalTime('2026-06-01T10:00', 'Europe/Atlantis')).toEqual({ ok: false, reason: 'invalid' });
		expect(isValidTimeZone('Africa/Dakar')).toBe(true);
		expect(isValidTimeZone('UTC')).toBe(true);
		expect(isValidTimeZone('africa/dakar')).toBe(false);
		expect(isValidTimeZone('Africa/Dakar; DROP')).toBe(false);
		expect(isValidTimeZone('')).toBe(false);
	});

	it('gives each country of the list its zone, and the viewer their own before their country’s', () => {
		expect(zoneOfCountry('SN')).toBe('Africa/Dakar');
		expect(zoneOfCountry('cm')).toBe('Africa/Douala');
		expect(zoneOfCountry('TD')).toBe('Africa/Ndjamena');
		expect(zoneOfCountry('FR')).toBe('Europe/Paris');
		expect(zoneOfCountry('ZZ')).toBeNull();
		for (const code of countryCodes) expect(isValidTimeZone(zoneOfCountry(code) ?? ''), code).toBe(true);
		expect(viewerTimeZone({ timeZone: 'Europe/Brussels', country: 'SN' })).toBe('Europe/Brussels');
		expect(viewerTimeZone({ timeZone: null, country: 'BF' })).toBe('Africa/Ouagadougou');
		expect(viewerTimeZone(null)).toBe('Africa/Dakar');
	});
});
