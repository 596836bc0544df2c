import type { AgencyLevel, OnlineLevel, Procedure, Sector } from '../../api/types';
import { localized, t } from '../../lib/i18n';

export const agencyLevelLabel = (level: AgencyLevel): string =>
  t(level === 'province' ? 'levelProvince' : 'levelCommune');

export const onlineLevelLabel = (level: OnlineLevel): string =>
  t(level === 'full' ? 'onlineFull' : 'onlinePartial');

export const procedureName = ({ name, nameEn }: Procedure): string => localized(name, nameEn);

export const sectorName = ({ name, nameEn }: Sector): string => localized(name, nameEn);

export const agencyName = ({ agencyName, agencyNameEn }: Procedure): string =>
  localized(agencyName, agencyNameEn);
