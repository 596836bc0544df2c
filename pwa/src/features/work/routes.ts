export const WORK_PATH = '/work';
export const LATE_PATH = '/work/late';
export const INTAKE_PATH = '/work/intake';

export const workDossierPath = (id: string) => `${WORK_PATH}/dossiers/${encodeURIComponent(id)}`;
export const workReceiptPath = (id: string) => `${workDossierPath(id)}/receipt`;
export const receiptPdfPath = (id: string) =>
  `/api/v1/dossiers/${encodeURIComponent(id)}/receipt.pdf`;
