"""The public lookup of a dossier's progress (tra cứu hồ sơ): by the receipt QR's token, or by
the dossier code with the last digits of the applicant's phone; no personal data in the answer."""
