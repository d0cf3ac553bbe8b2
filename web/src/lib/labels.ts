import type { OrganisationType, Role, SpaceMemberRole, SpaceVisibility } from '$db/schema/values';
import { m } from '$lib/paraglide/messages';
import { cached } from '$lib/time';

const regionNames = new Map<string, Intl.DisplayNames>();
const longDates = new Map<string, Intl.DateTimeFormat>();

/** Catalogue labels of enumerated values, spelled out so unused ones are tree-shaken. */
export const organisationTypeLabel: Record<OrganisationType, () => string> = {
	mutuelle: m.org_type_mutuelle,
	federation_mutuelles: m.org_type_federation_mutuelles,
	organisation_base: m.org_type_organisation_base,
	partenaire_social: m.org_type_partenaire_social,
	ong: m.org_type_ong,
	cooperative: m.org_type_cooperative,
	association: m.org_type_association,
	gouvernement: m.org_type_gouvernement,
	collectivite_locale: m.org_type_collectivite_locale,
	recherche_formation: m.org_type_recherche_formation,
	consultant: m.org_type_consultant,
	organisation_internationale: m.org_type_organisation_internationale,
	cooperation_bilaterale: m.org_type_cooperation_bilaterale,
	fondation: m.org_type_fondation,
	bailleur: m.org_type_bailleur,
	autre: m.org_type_autre
};

export const roleLabel: Record<Role, () => string> = {
	member: m.role_member,
	moderator: m.role_moderator,
	admin: m.role_admin
};

export const statusLabel: Record<'active' | 'suspended', () => string> = {
	active: m.status_active,
	suspended: m.status_suspended
};

/** Country names come from the platform's Intl data, in the reader's language. */
export function countryName(code: string, locale: string): string {
	try {
		return cached(regionNames, locale, () => new Intl.DisplayNames([locale], { type: 'region' })).of(code) ?? code;
	} catch {
		return code;
	}
}

export function formatDate(iso: string, locale: string): string {
	return cached(
		longDates,
		locale,
		() => new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'fr-FR', { dateStyle: 'long' })
	).format(new Date(iso));
}

export const visibilityLabel: Record<SpaceVisibility, () => string> = {
	public: m.visibility_public,
	members: m.visibility_members,
	private: m.visibility_private
};

export const visibilityHint: Record<SpaceVisibility, () => string> = {
	public: m.visibility_public_hint,
	members: m.visibility_members_hint,
	private: m.visibility_private_hint
};

export { threadKindLabel } from './thread-labels.ts';

export const spaceRoleLabel: Record<SpaceMemberRole, () => string> = {
	member: m.space_role_member,
	moderator: m.space_role_moderator
};
