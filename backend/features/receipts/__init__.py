"""The receipt of a received dossier: its data, its one-page PDF with the lookup QR, its route."""
