/* picker.js — the person pickers of the permit form (select[data-picker]), made searchable:
 * a search box above each list keeps only the people whose name, employee number, pinyin or
 * pinyin initials (the option's data-key, from the server) hold what was typed; when one
 * person is left he is picked. Picking someone marked not qualified (data-why) shows the
 * reason under the field at once; the server refuses him on saving anyway. Without this
 * script the lists work as they are: qualified first, own unit first. No inline script: CSP. */
'use strict';
document.addEventListener('DOMContentLoaded', () => {
	document.querySelectorAll('select[data-picker]').forEach((sel) => {
		// the options as drawn, each with the group it belongs to
		const blank = sel.options[0];
		const groups = Array.from(sel.children).filter((c) => c !== blank).map((g) => ({
			g, options: g.tagName === 'OPTGROUP' ? Array.from(g.children) : [g],
		}));
		const box = document.createElement('input');
		box.type = 'search';
		box.className = 'picker-search';
		box.dataset.pickerFor = sel.name;
		box.placeholder = sel.dataset.pickerHint || '';
		box.setAttribute('aria-label', sel.dataset.pickerHint || '');
		box.autocomplete = 'off';
		sel.before(box);
		const msg = document.createElement('span');
		msg.className = 'field-error';
		msg.hidden = true;
		sel.after(msg);

		// the server's own message for this field (a refused save), said once, not twice
		const served = () => sel.parentElement.querySelector('.field-error[id]');
		const judge = (first) => {
			const o = sel.selectedOptions[0];
			const why = o && o.dataset.why && !(first === true && served()) ? o.dataset.why : '';
			msg.hidden = !why;
			msg.textContent = why ? `${o.textContent.replace(/^✗ /, '').split(' · ')[0]}${sel.dataset.pickerColon || ': '}${why}` : '';
			if (first !== true && served()) served().hidden = true;	// answered by the new pick
			if (why) sel.setAttribute('aria-invalid', 'true');
			else if (first !== true) sel.removeAttribute('aria-invalid');
		};
		const filter = () => {
			const q = box.value.trim().toLowerCase();
			const current = sel.value;
			let last = null, n = 0;
			sel.replaceChildren(blank);
			for (const { g, options } of groups) {
				const keep = options.filter((o) => !q || o.value === current || (o.dataset.key || '').includes(q));
				if (!keep.length) continue;
				if (g.tagName === 'OPTGROUP') {
					g.replaceChildren(...keep);
					sel.append(g);
				} else sel.append(g);
				for (const o of keep) if ((o.dataset.key || '').includes(q)) { last = o; n++; }
			}
			sel.value = current;
			if (q && n === 1 && last.value !== current) {
				sel.value = last.value;
				sel.dispatchEvent(new Event('change', { bubbles: true }));
			}
		};
		box.addEventListener('input', filter);
		sel.addEventListener('change', () => judge(false));
		judge(true);
	});
});
