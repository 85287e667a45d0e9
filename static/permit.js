/* permit.js — fills the hidden lat/lng fields of permit action forms from the phone's GPS,
 * so the server can check a site check-in against the area's radius. The forms work without
 * it (the server then asks for a location or an explanation). No inline script: CSP. */
'use strict';
document.addEventListener('DOMContentLoaded', () => {
	const forms = document.querySelectorAll('form[data-geo]');
	if (!forms.length || !navigator.geolocation) return;
	const status = document.querySelector('[data-geo-status]');
	navigator.geolocation.getCurrentPosition((pos) => {
		forms.forEach((f) => {
			f.elements.lat.value = pos.coords.latitude.toFixed(7);
			f.elements.lng.value = pos.coords.longitude.toFixed(7);
		});
		if (status) status.dataset.located = '1';
	}, () => {
		if (status) status.dataset.located = '0';
	}, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
});
