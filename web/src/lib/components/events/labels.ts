import type { EventKind, RegistrationStatus } from '$db/schema/values';
import { m } from '$lib/paraglide/messages';

/** Catalogue labels of an event's enumerated values, spelled out so unused ones are tree-shaken. */
export const eventKindLabel: Record<EventKind, () => string> = {
	atelier: m.event_kind_atelier,
	seminaire: m.event_kind_seminaire,
	webinaire: m.event_kind_webinaire,
	formation: m.event_kind_formation
};

export const registrationStatusLabel: Record<RegistrationStatus, () => string> = {
	registered: m.event_status_registered,
	waiting: m.event_status_waiting
};
