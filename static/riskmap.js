/* riskmap.js — the four-colour map's editor (/risk/map/edit): each pointer press on the drawing
 * adds a corner of the area's polygon, in the drawing's own pixels (the SVG's viewBox), shown
 * as a dashed outline and written into the points field that the form sends. Undo and clear
 * work on that list; choosing an area already placed loads its polygon to redraw it. Without
 * JavaScript the points field is typed by hand; the server checks the polygon either way. */
'use strict';
(() => {
	const svg = document.querySelector('.risk-map-edit svg.risk-map');
	const field = document.getElementById('points');
	const select = document.getElementById('area_id');
	if (!svg || !field || !select)
		return;
	const NS = 'http://www.w3.org/2000/svg';
	const draft = document.createElementNS(NS, 'polygon');
	draft.setAttribute('id', 'risk-draft');
	draft.setAttribute('fill', 'rgba(33, 37, 41, 0.15)');
	draft.setAttribute('stroke', '#212529');
	draft.setAttribute('stroke-dasharray', '8 5');
	draft.setAttribute('stroke-width', '3');
	svg.appendChild(draft);
	const vb = svg.viewBox.baseVal;
	let pts = [];

	function parse(text) {
		return text.trim().split(/\s+/).filter(Boolean).map((p) => p.split(',').map(Number))
			.filter((p) => p.length === 2 && p.every(Number.isFinite));
	}
	function show() {
		const s = pts.map((p) => p.join(',')).join(' ');
		draft.setAttribute('points', s);
		field.value = s;
	}
	svg.addEventListener('pointerdown', (ev) => {
		if (ev.button !== 0)
			return;
		ev.preventDefault();
		const m = svg.getScreenCTM();
		if (!m)
			return;
		const p = new DOMPoint(ev.clientX, ev.clientY).matrixTransform(m.inverse());
		const x = Math.round(Math.min(Math.max(p.x, 0), vb.width));
		const y = Math.round(Math.min(Math.max(p.y, 0), vb.height));
		pts.push([x, y]);
		show();
	});
	field.addEventListener('input', () => {
		pts = parse(field.value);
		draft.setAttribute('points', pts.map((p) => p.join(',')).join(' '));
	});
	select.addEventListener('change', () => {
		const g = svg.querySelector('g.risk-area[data-area="' + select.value + '"] polygon');
		pts = g ? parse(g.getAttribute('points')) : [];
		show();
	});
	for (const b of document.querySelectorAll('button[data-map]')) {
		b.hidden = false;
		b.addEventListener('click', () => {
			if (b.dataset.map === 'undo')
				pts.pop();
			else
				pts = [];
			show();
		});
	}
	pts = parse(field.value);
	show();
})();
