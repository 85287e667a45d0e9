/*
 * module.c — the registry of the module table (module.h): the list main() sets, and the
 * menu, tiles, panels and permission names gathered from it once, so that a page walks a
 * ready array instead of sorting on every request.
 */
#include "base/module.h"

#include <stdlib.h>
#include <string.h>

static const struct module *const no_modules[] = {NULL};
static const struct module_menu *const no_menu[] = {NULL};
static const struct module_tile *const no_tiles[] = {NULL};
static const struct module_panel *const no_panels[] = {NULL};
static const char *const no_perms[] = {NULL};

static const struct module *const *modules = no_modules;
static const struct module_menu **menu_sorted;
static const struct module_tile **tiles_sorted;
static const struct module_panel **panels_sorted;
static const char **perm_names;

struct ordered {
	int order;
	size_t seq;	/* module order, then the entry's place in its module: a stable sort */
	const void *item;
};

static int cmp_ordered(const void *a, const void *b)
{
	const struct ordered *x = a, *y = b;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The entries of one kind, sorted, ending with a NULL item; `which` picks the kind: 0 menu,
 * 1 tiles, 2 panels. */
static struct ordered *gather(const struct module *const *list, int which)
{
	size_t n = 0, cap = 8;
	struct ordered *all = malloc(cap * sizeof(*all));
	if (!all)
		return NULL;
	for (size_t m = 0; list[m]; m++) {
		for (size_t i = 0;; i++) {
			struct ordered o = {0, n, NULL};
			if (which == 0 && list[m]->menu && list[m]->menu[i].href)
				o.order = list[m]->menu[i].order, o.item = &list[m]->menu[i];
			else if (which == 1 && list[m]->tiles && list[m]->tiles[i].href)
				o.order = list[m]->tiles[i].order, o.item = &list[m]->tiles[i];
			else if (which == 2 && list[m]->panels && list[m]->panels[i].render)
				o.order = list[m]->panels[i].order, o.item = &list[m]->panels[i];
			else
				break;
			if (n + 1 == cap) {
				struct ordered *more = realloc(all, 2 * cap * sizeof(*all));
				if (!more) {
					free(all);
					return NULL;
				}
				all = more, cap *= 2;
			}
			all[n++] = o;
		}
	}
	qsort(all, n, sizeof(*all), cmp_ordered);
	all[n].item = NULL;
	return all;
}

/* gather()'s items as a NULL-terminated array of pointers to `type` */
#define ITEMS(type, all, out)                                                      \
	do {                                                                       \
		size_t n_ = 0;                                                     \
		while ((all)[n_].item)                                             \
			n_++;                                                      \
		(out) = malloc((n_ + 1) * sizeof(type *));                         \
		for (size_t i_ = 0; (out) && i_ <= n_; i_++)                       \
			(out)[i_] = (all)[i_].item;                                \
	} while (0)

static const char **gather_perms(const struct module *const *list)
{
	size_t n = 0;
	for (size_t m = 0; list[m]; m++)
		for (const struct module_perm *p = list[m]->perms; p && p->name; p++)
			n++;
	const char **out = malloc((n + 1) * sizeof(*out));
	if (!out)
		return NULL;
	n = 0;
	for (size_t m = 0; list[m]; m++)
		for (const struct module_perm *p = list[m]->perms; p && p->name; p++)
			out[n++] = p->name;
	out[n] = NULL;
	return out;
}

int module_registry_set(const struct module *const *list)
{
	if (!list)
		list = no_modules;
	struct ordered *om = gather(list, 0), *ot = gather(list, 1), *op = gather(list, 2);
	const struct module_menu **menu = NULL;
	const struct module_tile **tiles = NULL;
	const struct module_panel **panels = NULL;
	if (om)
		ITEMS(struct module_menu, om, menu);
	if (ot)
		ITEMS(struct module_tile, ot, tiles);
	if (op)
		ITEMS(struct module_panel, op, panels);
	free(om), free(ot), free(op);
	const char **perms = gather_perms(list);
	if (!menu || !tiles || !panels || !perms) {
		free(menu), free(tiles), free(panels), free(perms);
		return -1;
	}
	free(menu_sorted), free(tiles_sorted), free(panels_sorted), free(perm_names);
	modules = list;
	menu_sorted = menu, tiles_sorted = tiles, panels_sorted = panels, perm_names = perms;
	return 0;
}

const struct module *const *module_registry(void)
{
	return modules;
}

const struct module_menu *const *module_menu_all(void)
{
	return menu_sorted ? menu_sorted : no_menu;
}

const struct module_tile *const *module_tiles_all(void)
{
	return tiles_sorted ? tiles_sorted : no_tiles;
}

const struct module_panel *const *module_panels_all(void)
{
	return panels_sorted ? panels_sorted : no_panels;
}

const char *const *module_permissions(void)
{
	return perm_names ? perm_names : no_perms;
}

int module_perm_known(const char *perm)
{
	for (const char *const *p = module_permissions(); *p; p++)
		if (!strcmp(*p, perm))
			return 1;
	return 0;
}
