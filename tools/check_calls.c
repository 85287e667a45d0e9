/*
 * check_calls.c — checks the two small languages the compiler cannot see into: the formats of
 * html_printf (%s %r %d %D %%) and the type strings of db_query, db_exec, db_get_i64 and
 * db_get_text ('i' 'I' 'd' 't' 'b' 'n', one letter per '?').
 *
 * Usage: check_calls [-v] FILE...   (tests/check-static passes every file under src/)
 *
 * It works on the text, not on a compiler's tree, so that it builds with nothing but cc. A
 * first pass over every file collects a type table from the declarations: functions' return
 * types, struct fields, typedef names, enum constants and integer #defines. A second pass
 * finds each call, splits its arguments at the top-level commas and checks:
 *   - arity: conversions against arguments; type letters against arguments (a 'b' takes two)
 *     and, when the SQL is a literal, against its '?' placeholders (SQLite binds NULL to a
 *     placeholder nothing was bound to, so a short type string would pass silently);
 *   - types: the type of each argument, inferred from the local declaration of a variable
 *     (the nearest one before the call in the same function), a field's declaration, a
 *     function's return type, a cast or a literal. An int64_t given to %d or 'i', an int
 *     given to %D or 'I', anything but a char pointer given to %s or 't', and anything but a
 *     struct html_raw given to %r are errors.
 * An argument whose type it cannot infer (an arithmetic mix, a macro) is not an error; -v
 * lists them, and the last line counts them, so that the blind spot stays visible.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kind { ID, NUM, STR, CHR, PUNCT };

struct tok {
	enum kind k;
	char *s;	/* for STR: the concatenated contents, escapes left as written */
	int line;
};

struct file {
	const char *path;
	struct tok *t;
	int n;
	int *depth;	/* brace depth of each token (file-level declarations are at 0) */
};

struct type {
	char base[96];	/* "int", "int64_t", "struct hazard", "" if unknown */
	int ptr;
};

struct entry {	/* a name in a table: function, field (owner = struct), typedef, constant */
	char owner[96];
	char name[96];
	struct type ty;
};

static struct entry *funcs, *fields, *consts, *typedefs;
static int nfuncs, nfields, nconsts, ntypedefs;
static int caps_f, caps_fl, caps_c, caps_t;
static int failures, calls, args_checked, args_unknown, verbose;

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		perror("check_calls");
		exit(2);
	}
	return p;
}

static void add(struct entry **tab, int *n, int *cap, const char *owner, const char *name, struct type ty)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		*tab = xrealloc(*tab, (size_t)*cap * sizeof(**tab));
	}
	struct entry *e = &(*tab)[(*n)++];
	snprintf(e->owner, sizeof(e->owner), "%s", owner ? owner : "");
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->ty = ty;
}

static const struct entry *find(const struct entry *tab, int n, const char *owner, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(tab[i].name, name) == 0 && (!owner || strcmp(tab[i].owner, owner) == 0))
			return &tab[i];
	return NULL;
}

/* ---- tokenizer ---- */

static char *readall(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		exit(2);
	}
	char *buf = NULL;
	size_t len = 0, cap = 0, r;
	do {
		if (cap - len < 4096)
			buf = xrealloc(buf, cap = cap * 2 + 8192);
		r = fread(buf + len, 1, cap - len - 1, f);
		len += r;
	} while (r > 0);
	fclose(f);
	buf[len] = '\0';
	return buf;
}

static void push(struct file *f, int *cap, enum kind k, const char *s, size_t n, int line)
{
	if (f->n == *cap)
		f->t = xrealloc(f->t, (size_t)(*cap = *cap ? *cap * 2 : 4096) * sizeof(*f->t));
	char *c = xrealloc(NULL, n + 1);
	memcpy(c, s, n);
	c[n] = '\0';
	f->t[f->n++] = (struct tok){k, c, line};
}

/* An integer #define (NAME 12, NAME (12), NAME -1) is an int constant for the type table. */
static void directive(const char *p, const char *end)
{
	char name[96], val[64];
	int len = (int)(end - p);
	if (sscanf(p, "#%*[ \t]define %95[A-Za-z0-9_] %63[-0-9xXa-fA-F()uUlL]", name, val) == 2 ||
	    sscanf(p, "#define %95[A-Za-z0-9_] %63[-0-9xXa-fA-F()uUlL]", name, val) == 2) {
		(void)len;
		struct type ty = {"int", 0};
		if (strchr(val, 'L') || strchr(val, 'l'))
			strcpy(ty.base, "long");
		add(&consts, &nconsts, &caps_c, NULL, name, ty);
	}
}

static void lex(const char *src, struct file *f, int *cap);

struct macro {
	char name[96];
	int nparams;	/* -1: object-like */
	char params[8][32];
	struct file body;
};
static struct macro *macros;
static int nmacros, caps_m;

/* Keep a #define for expansion when it is a plain ALLCAPS name whose body is an expression
 * (SQL fragments, type strings, argument lists): no '#', no statements. */
static void define(const char *p, const char *end)
{
	while (p < end && (*p == '#' || *p == ' ' || *p == '\t'))
		p++;
	if (strncmp(p, "define", 6) != 0)
		return;
	p += 6;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	struct macro m = {.nparams = -1};
	size_t n = 0;
	while (p < end && (isalnum((unsigned char)*p) || *p == '_') && n < sizeof(m.name) - 1) {
		if (islower((unsigned char)*p))
			return;
		m.name[n++] = *p++;
	}
	if (*p == '(') {
		m.nparams = 0;
		for (p++; p < end && *p != ')'; p++) {
			if (*p == ',' || *p == ' ')
				continue;
			if (m.nparams == 8)
				return;
			size_t k = 0;
			while (p < end && (isalnum((unsigned char)*p) || *p == '_') && k < 31)
				m.params[m.nparams][k++] = *p++;
			m.params[m.nparams++][k] = '\0';
			p--;
		}
		p++;
	}
	char *body = xrealloc(NULL, (size_t)(end - p) + 1);
	size_t bl = 0;
	for (; p < end; p++) {
		if (*p == '\\' && p[1] == '\n') {
			p++;
			continue;
		}
		if (*p == '#' || *p == '{' || *p == ';') {
			free(body);
			return;
		}
		body[bl++] = *p;
	}
	body[bl] = '\0';
	int cap = 0;
	m.body.path = "";
	lex(body, &m.body, &cap);
	free(body);
	if (nmacros == caps_m)
		macros = xrealloc(macros, (size_t)(caps_m = caps_m ? caps_m * 2 : 64) * sizeof(*macros));
	macros[nmacros++] = m;
}

static void tokenize(struct file *f)
{
	char *src = readall(f->path);
	int cap = 0;
	lex(src, f, &cap);
	free(src);
}

static void lex(const char *src, struct file *f, int *capp)
{
	int cap = *capp, line = 1, bol = 1;
	const char *p = src;
	static const char *multi[] = {"...", "->", "++", "--", "&&", "||", "==", "!=", "<=", ">=", "<<",
				      ">>", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", NULL};
	while (*p) {
		if (*p == '\n') {
			line++, p++, bol = 1;
			continue;
		}
		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		if (p[0] == '/' && p[1] == '*') {
			for (p += 2; *p && !(p[0] == '*' && p[1] == '/'); p++)
				line += *p == '\n';
			p += *p ? 2 : 0;
			continue;
		}
		if (p[0] == '/' && p[1] == '/') {
			while (*p && *p != '\n')
				p++;
			continue;
		}
		if (*p == '#' && bol) {	/* a directive, with its continuation lines */
			const char *s = p;
			while (*p && !(*p == '\n' && p[-1] != '\\'))
				line += *p++ == '\n';
			directive(s, p);
			define(s, p);
			continue;
		}
		bol = 0;
		if (isalpha((unsigned char)*p) || *p == '_') {
			const char *s = p;
			while (isalnum((unsigned char)*p) || *p == '_')
				p++;
			push(f, &cap, ID, s, (size_t)(p - s), line);
		} else if (isdigit((unsigned char)*p) || (*p == '.' && isdigit((unsigned char)p[1]))) {
			const char *s = p;
			while (isalnum((unsigned char)*p) || *p == '.' || *p == '_')
				p++;
			push(f, &cap, NUM, s, (size_t)(p - s), line);
		} else if (*p == '"' || *p == '\'') {
			char q = *p++;
			const char *s = p;
			while (*p && *p != q) {
				if (*p == '\\' && p[1])
					p++;
				line += *p == '\n';
				p++;
			}
			size_t n = (size_t)(p - s);
			if (*p)
				p++;
			struct tok *last = f->n ? &f->t[f->n - 1] : NULL;
			if (q == '"' && last && last->k == STR) {	/* "a" "b" is one literal */
				size_t o = strlen(last->s);
				last->s = xrealloc(last->s, o + n + 1);
				memcpy(last->s + o, s, n);
				last->s[o + n] = '\0';
			} else {
				push(f, &cap, q == '"' ? STR : CHR, s, n, line);
			}
		} else {
			size_t n = 1;
			for (int i = 0; multi[i]; i++)
				if (strncmp(p, multi[i], strlen(multi[i])) == 0) {
					n = strlen(multi[i]);
					break;
				}
			push(f, &cap, PUNCT, p, n, line);
			p += n;
		}
	}
	*capp = cap;
}

static void emit(struct file *o, int *cap, const struct tok *t, int line)
{
	struct tok *last = o->n ? &o->t[o->n - 1] : NULL;
	if (t->k == STR && last && last->k == STR) {
		size_t a = strlen(last->s), b = strlen(t->s);
		last->s = xrealloc(last->s, a + b + 1);
		memcpy(last->s + a, t->s, b + 1);
		return;
	}
	push(o, cap, t->k, t->s, strlen(t->s), line);
}

static int match(const struct tok *t, int n, int i);

/* One round of macro expansion over a file's tokens; returns how many uses it replaced. */
static int expand(struct file *f)
{
	struct file o = {f->path, NULL, 0, NULL};
	int cap = 0, done = 0;
	for (int i = 0; i < f->n; i++) {
		const struct macro *m = NULL;
		if (f->t[i].k == ID)
			for (int k = 0; k < nmacros && !m; k++)
				if (!strcmp(macros[k].name, f->t[i].s))
					m = &macros[k];
		int fnlike = m && m->nparams >= 0;
		if (!m || (fnlike && !(i + 1 < f->n && f->t[i + 1].k == PUNCT && !strcmp(f->t[i + 1].s, "(")))) {
			emit(&o, &cap, &f->t[i], f->t[i].line);
			continue;
		}
		int line = f->t[i].line, close = i, arg[9], narg = 0;
		if (fnlike) {	/* the arguments, split at top-level commas */
			close = match(f->t, f->n, i + 1);
			int d = 0;
			arg[narg++] = i + 2;
			for (int j = i + 2; j < close; j++) {
				const char *p = f->t[j].k == PUNCT ? f->t[j].s : "";
				if (!strcmp(p, "(") || !strcmp(p, "["))
					d++;
				else if (!strcmp(p, ")") || !strcmp(p, "]"))
					d--;
				else if (d == 0 && !strcmp(p, ",") && narg < 8)
					arg[narg++] = j + 1;
			}
			arg[narg] = close + 1;
		}
		for (int b = 0; b < m->body.n; b++) {
			const struct tok *bt = &m->body.t[b];
			int pi = -1;
			for (int k = 0; fnlike && bt->k == ID && k < m->nparams && k < narg; k++)
				if (!strcmp(m->params[k], bt->s))
					pi = k;
			if (pi < 0) {
				emit(&o, &cap, bt, line);
				continue;
			}
			for (int j = arg[pi]; j < arg[pi + 1] - 1; j++)
				emit(&o, &cap, &f->t[j], line);
		}
		i = close;
		done++;
	}
	free(f->t);	/* the strings stay: the expanded tokens share nothing, they were copied */
	*f = o;
	return done;
}

/* ---- types ---- */

static int is(const struct tok *t, const char *s)
{
	return strcmp(t->s, s) == 0;
}

static int is_punct(const struct tok *t, const char *s)
{
	return t->k == PUNCT && strcmp(t->s, s) == 0;
}

static const char *const type_words[] = {"void", "char", "short", "int", "long", "float", "double",
					  "signed", "unsigned", "_Bool", "bool", "const", "volatile",
					  "static", "extern", "inline", "register", "restrict", NULL};

static int is_type_word(const char *s)
{
	for (int i = 0; type_words[i]; i++)
		if (strcmp(s, type_words[i]) == 0)
			return 1;
	size_t n = strlen(s);
	if (n > 2 && strcmp(s + n - 2, "_t") == 0)
		return 1;
	return find(typedefs, ntypedefs, NULL, s) != NULL;
}

/* Read a type from tokens [a, b) (qualifiers and storage classes dropped). */
static int parse_type(const struct tok *t, int a, int b, struct type *out)
{
	char words[96] = "";
	int ok = 0;
	memset(out, 0, sizeof(*out));
	for (int i = a; i < b; i++) {
		if (t[i].k != ID)
			return 0;
		if (is(&t[i], "struct") || is(&t[i], "enum") || is(&t[i], "union")) {
			if (i + 1 >= b || t[i + 1].k != ID)
				return 0;
			snprintf(words, sizeof(words), "%s %s", t[i].s, t[i + 1].s);
			i++;
			ok = 1;
			continue;
		}
		if (!is_type_word(t[i].s))
			return 0;
		if (is(&t[i], "const") || is(&t[i], "volatile") || is(&t[i], "static") || is(&t[i], "extern") ||
		    is(&t[i], "inline") || is(&t[i], "register") || is(&t[i], "restrict"))
			continue;
		size_t n = strlen(words);
		snprintf(words + n, sizeof(words) - n, "%s%s", n ? " " : "", t[i].s);
		ok = 1;
	}
	if (!ok)
		return 0;
	const struct entry *td = find(typedefs, ntypedefs, NULL, words);
	if (td && td->ty.base[0] && strcmp(words, "html_raw") != 0) {
		*out = td->ty;
		return 1;
	}
	snprintf(out->base, sizeof(out->base), "%s", words);
	return 1;
}

enum cls { C_UNKNOWN, C_INT, C_I64, C_DOUBLE, C_STR, C_PTR, C_RAW, C_NULL, C_OTHER };

static enum cls classify(const struct type *ty)
{
	const char *b = ty->base;
	if (!b[0])
		return C_UNKNOWN;
	if (ty->ptr == 1 && (strcmp(b, "char") == 0 || strcmp(b, "signed char") == 0))
		return C_STR;
	if (ty->ptr > 0)
		return C_PTR;
	if (strcmp(b, "html_raw") == 0)
		return C_RAW;
	static const char *const i32[] = {"int", "unsigned", "unsigned int", "signed", "signed int", "short",
					  "unsigned short", "short int", "char", "signed char", "unsigned char",
					  "bool", "_Bool", "int8_t", "uint8_t", "int16_t", "uint16_t",
					  "int32_t", "uint32_t", NULL};
	static const char *const i64[] = {"long", "long int", "unsigned long", "long long", "long long int",
					  "unsigned long long", "int64_t", "uint64_t", "size_t", "ssize_t",
					  "time_t", "off_t", "intptr_t", "uintptr_t", "sqlite3_int64",
					  "sqlite_int64", "ptrdiff_t", NULL};
	for (int i = 0; i32[i]; i++)
		if (strcmp(b, i32[i]) == 0)
			return C_INT;
	for (int i = 0; i64[i]; i++)
		if (strcmp(b, i64[i]) == 0)
			return C_I64;
	if (strncmp(b, "enum ", 5) == 0)
		return C_INT;
	if (strcmp(b, "double") == 0 || strcmp(b, "float") == 0)
		return C_DOUBLE;
	if (strncmp(b, "struct ", 7) == 0 || strncmp(b, "union ", 6) == 0)
		return C_OTHER;
	return C_UNKNOWN;
}

static void show(const struct type *ty, char *buf, size_t n)
{
	snprintf(buf, n, "%s%s%s", ty->base[0] ? ty->base : "?", ty->ptr ? " " : "",
		 ty->ptr >= 2 ? "**" : ty->ptr ? "*" : "");
}

/* ---- pass 1: the type table ---- */

/* Fields of a struct body t[open+1 .. close): anonymous inner unions/structs are flattened. */
static void collect_fields(const struct tok *t, int open, int close, const char *owner)
{
	int s = open + 1;
	for (int i = open + 1; i <= close; i++) {
		if (is_punct(&t[i], "{") || is_punct(&t[i], "}")) {
			s = i + 1;
			continue;
		}
		if (!(is_punct(&t[i], ";")))
			continue;
		/* one declaration t[s, i): type words, then declarators split by ',' */
		int e = s;
		while (e < i && t[e].k == ID && (is_type_word(t[e].s) || is(&t[e], "struct") || is(&t[e], "enum") ||
						   is(&t[e], "union") || (e > s && (is(&t[e - 1], "struct") || is(&t[e - 1], "enum") || is(&t[e - 1], "union")))))
			e++;
		struct type base;
		if (e == s || !parse_type(t, s, e, &base)) {
			s = i + 1;
			continue;
		}
		int j = e;
		while (j < i) {
			struct type ty = base;
			while (j < i && is_punct(&t[j], "*"))
				ty.ptr++, j++;
			if (j < i && t[j].k == ID) {
				const char *name = t[j].s;
				j++;
				while (j < i && is_punct(&t[j], "[")) {
					ty.ptr++;
					while (j < i && !is_punct(&t[j], "]"))
						j++;
					j++;
				}
				add(&fields, &nfields, &caps_fl, owner, name, ty);
			}
			while (j < i && !is_punct(&t[j], ","))
				j++;
			j++;
		}
		s = i + 1;
	}
}

static int match(const struct tok *t, int n, int i)	/* index of the bracket closing t[i] */
{
	const char *o = t[i].s, *c = is(&t[i], "(") ? ")" : is(&t[i], "[") ? "]" : "}";
	int d = 0;
	for (; i < n; i++) {
		if (t[i].k != PUNCT)
			continue;
		if (strcmp(t[i].s, o) == 0)
			d++;
		else if (strcmp(t[i].s, c) == 0 && --d == 0)
			return i;
	}
	return n - 1;
}

static void pass1_typedefs(const struct file *f)
{
	const struct tok *t = f->t;
	for (int i = 0; i < f->n; i++) {
		if (!is(&t[i], "typedef"))
			continue;
		int j = i + 1, end = i + 1;
		while (end < f->n && !is_punct(&t[end], ";")) {
			if (is_punct(&t[end], "{") || is_punct(&t[end], "("))
				end = match(t, f->n, end);
			end++;
		}
		/* typedef T NAME; (no function pointers, whose name is in parentheses) */
		if (end - 1 > j && t[end - 1].k == ID) {
			struct type ty = {"", 0};
			int k = end - 1;
			while (k > j && is_punct(&t[k - 1], "*"))
				k--, ty.ptr++;
			struct type b;
			if (parse_type(t, j, k, &b))
				ty = (struct type){"", 0}, snprintf(ty.base, sizeof(ty.base), "%s", b.base),
				ty.ptr = b.ptr + (end - 1 - k);
			else if (is(&t[j], "struct") && j + 1 < end && t[j + 1].k == ID)
				snprintf(ty.base, sizeof(ty.base), "struct %s", t[j + 1].s);
			add(&typedefs, &ntypedefs, &caps_t, NULL, t[end - 1].s, ty);
		}
		i = end;
	}
}

static void pass1(const struct file *f)
{
	const struct tok *t = f->t;
	int depth = 0, stmt = 0;	/* stmt: first token of the current top-level declaration */
	for (int i = 0; i < f->n; i++) {
		if (t[i].k == ID && (is(&t[i], "struct") || is(&t[i], "union")) && i + 2 < f->n && t[i + 1].k == ID &&
		    is_punct(&t[i + 2], "{")) {
			int close = match(t, f->n, i + 2);
			collect_fields(t, i + 2, close, t[i + 1].s);
		}
		if (is(&t[i], "enum") && i + 1 < f->n) {
			int open = is_punct(&t[i + 1], "{") ? i + 1 : (i + 2 < f->n && is_punct(&t[i + 2], "{")) ? i + 2 : -1;
			if (open > 0) {
				int close = match(t, f->n, open);
				for (int j = open + 1; j < close; j++)
					if (t[j].k == ID && (is_punct(&t[j - 1], "{") || is_punct(&t[j - 1], ",")))
						add(&consts, &nconsts, &caps_c, NULL, t[j].s, (struct type){"int", 0});
			}
		}
		if (t[i].k != PUNCT)
			continue;
		if (is(&t[i], "{")) {
			depth++;
		} else if (is(&t[i], "}")) {
			depth--;
			if (depth == 0)
				stmt = i + 1;
		} else if (depth == 0 && is(&t[i], ";")) {
			stmt = i + 1;
		} else if (depth == 0 && is(&t[i], "(") && i > stmt && t[i - 1].k == ID) {
			/* a function declaration or definition: type words, stars, name, '(' */
			int k = i - 1;
			struct type ty = {"", 0};
			int stars = 0;
			while (k - 1 >= stmt && is_punct(&t[k - 1], "*"))
				k--, stars++;
			/* a static function is known in its own file only (two files may each have one) */
			size_t pl = strlen(f->path);
			int header = pl > 2 && !strcmp(f->path + pl - 2, ".h");
			const char *owner = is(&t[stmt], "static") && !header ? f->path : "";
			if (parse_type(t, stmt, k, &ty) && !find(funcs, nfuncs, owner, t[i - 1].s)) {
				ty.ptr += stars;
				add(&funcs, &nfuncs, &caps_f, owner, t[i - 1].s, ty);
			}
			i = match(t, f->n, i);
		}
	}
}

/* ---- pass 2: inference and the checks ---- */

struct scope {
	const struct file *f;
	int fn_start;	/* first token of the current function (its parameter list) */
};

static int decl_at(const struct tok *t, int start, int k, struct type *out);

/* The type of the variable `name` declared before token `before` in the function. */
static int lookup_var(const struct scope *sc, const char *name, int before, struct type *out)
{
	const struct tok *t = sc->f->t;
	for (int k = before - 1; k >= sc->fn_start; k--)
		if (t[k].k == ID && strcmp(t[k].s, name) == 0 && decl_at(t, sc->fn_start, k, out))
			return 1;
	/* file-level (static) variables: the same test over the whole file before the function */
	for (int k = sc->fn_start - 1; k >= 0; k--)
		if (t[k].k == ID && sc->f->depth[k] == 0 && strcmp(t[k].s, name) == 0 && decl_at(t, 0, k, out))
			return 1;
	return 0;
}

/* Is t[k] the name in a declaration?  "TYPE **name =|;|,|)|[" or "TYPE a = 1, name" */
static int decl_at(const struct tok *t, int start, int k, struct type *out)
{
	const struct tok *nx = &t[k + 1];
	if (!(is_punct(nx, "=") || is_punct(nx, ";") || is_punct(nx, ",") || is_punct(nx, ")") || is_punct(nx, "[")))
		return 0;
	int j = k, stars = 0;
	while (j - 1 >= start && is_punct(&t[j - 1], "*"))
		j--, stars++;
	int w = j;
	while (w - 1 >= start && t[w - 1].k == ID)
		w--;
	struct type ty;
	if (w < j && parse_type(t, w, j, &ty)) {
		/* "a * b" in an expression: `a` is no type word, so parse_type failed there */
		ty.ptr += stars;
	} else if (j - 1 >= start && is_punct(&t[j - 1], ",")) {
		/* walk back to the start of the statement at this depth */
		int d = 0, s = j - 1;
		for (; s > start; s--) {
			if (t[s - 1].k != PUNCT)
				continue;
			const char *p = t[s - 1].s;
			if (d == 0 && (!strcmp(p, ";") || !strcmp(p, "{") || !strcmp(p, "}")))
				break;	/* the statement starts after a ';' or a block */
			if (!strcmp(p, ")") || !strcmp(p, "]"))
				d++;
			else if ((!strcmp(p, "(") || !strcmp(p, "[")) && d-- == 0)
				break;
		}
		if (s > start && is_punct(&t[s - 1], "("))
			return 0;	/* inside a call or a parameter list */
		int e = s;
		while (t[e].k == ID)
			e++;
		if (!is_punct(&t[e], "*"))
			e--;	/* the last word is the first declarator's name */
		if (e <= s || !parse_type(t, s, e, &ty))
			return 0;
		ty.ptr = stars;
	} else {
		return 0;
	}
	if (is_punct(nx, "["))
		ty.ptr++;
	*out = ty;
	return 1;
}

static int infer(const struct scope *sc, int a, int b, struct type *out);
static int literal_markup(const struct tok *t, int a, int b);

static int top_level(const struct tok *t, int a, int b, const char *op)	/* last top-level op in [a,b) */
{
	int d = 0, at = -1;
	for (int i = a; i < b; i++) {
		if (t[i].k != PUNCT)
			continue;
		if (is(&t[i], "(") || is(&t[i], "[") || is(&t[i], "{"))
			d++;
		else if (is(&t[i], ")") || is(&t[i], "]") || is(&t[i], "}"))
			d--;
		else if (d == 0 && is(&t[i], op) && i > a)
			at = i;
	}
	return at;
}

static int first_top_level(const struct tok *t, int a, int b, const char *op)
{
	int d = 0;
	for (int i = a; i < b; i++) {
		if (t[i].k != PUNCT)
			continue;
		if (is(&t[i], "(") || is(&t[i], "[") || is(&t[i], "{"))
			d++;
		else if (is(&t[i], ")") || is(&t[i], "]") || is(&t[i], "}"))
			d--;
		else if (d == 0 && is(&t[i], op))
			return i;
	}
	return -1;
}

static int infer_postfix(const struct scope *sc, int a, int b, struct type *out)
{
	const struct tok *t = sc->f->t;
	struct type ty = {"", 0};
	int i = a;
	if (t[i].k == NUM) {
		int isfloat = strchr(t[i].s, '.') != NULL || ((strchr(t[i].s, 'e') || strchr(t[i].s, 'E')) && !strchr(t[i].s, 'x'));
		const char *suf = t[i].s + strlen(t[i].s);
		while (suf > t[i].s && isalpha((unsigned char)suf[-1]) && !isxdigit((unsigned char)suf[-1]))
			suf--;
		snprintf(ty.base, sizeof(ty.base), "%s", isfloat ? "double" : strpbrk(suf, "lL") ? "long" : "int");
		i++;
	} else if (t[i].k == CHR) {
		strcpy(ty.base, "int");
		i++;
	} else if (t[i].k == STR) {
		strcpy(ty.base, "char");
		ty.ptr = 1;
		i++;
	} else if (t[i].k == ID) {
		const char *name = t[i].s;
		const struct entry *e;
		if (is(&t[i], "NULL")) {
			strcpy(ty.base, "NULL");
		} else if (is(&t[i], "sizeof")) {
			*out = (struct type){"size_t", 0};
			return 1;
		} else if (is(&t[i], "T") && i + 1 < b && is_punct(&t[i + 1], "(")) {	/* the i18n macro */
			ty = (struct type){"char", 1};
			i = match(t, b, i + 1);
		} else if (i + 1 < b && is_punct(&t[i + 1], "(")) {
			if (!(e = find(funcs, nfuncs, sc->f->path, name)) && !(e = find(funcs, nfuncs, "", name)))
				return 0;
			ty = e->ty;
			i = match(t, b, i + 1);
		} else if (lookup_var(sc, name, a, &ty)) {
		} else if ((e = find(consts, nconsts, NULL, name))) {
			ty = e->ty;
		} else {
			return 0;
		}
		i++;
	} else if (is_punct(&t[i], "(")) {
		int c = match(t, b, i);
		if (!infer(sc, i + 1, c, &ty))
			return 0;
		i = c + 1;
	} else {
		return 0;
	}
	while (i < b) {
		if ((is_punct(&t[i], ".") || is_punct(&t[i], "->")) && i + 1 < b && t[i + 1].k == ID) {
			if (strncmp(ty.base, "struct ", 7) && strncmp(ty.base, "union ", 6))
				return 0;
			const struct entry *e = find(fields, nfields, strchr(ty.base, ' ') + 1, t[i + 1].s);
			if (!e)
				return 0;
			ty = e->ty;
			i += 2;
		} else if (is_punct(&t[i], "[")) {
			if (ty.ptr == 0)
				return 0;
			ty.ptr--;
			i = match(t, b, i) + 1;
		} else if (is_punct(&t[i], "(")) {	/* a call through a field: unknown */
			return 0;
		} else if (is_punct(&t[i], "++") || is_punct(&t[i], "--")) {
			i++;
		} else {
			return 0;
		}
	}
	*out = ty;
	return 1;
}

static int infer(const struct scope *sc, int a, int b, struct type *out)
{
	const struct tok *t = sc->f->t;
	if (a >= b)
		return 0;
	int q = first_top_level(t, a, b, "?");
	if (q > 0) {	/* c ? x : y — the type of x, or of y when x is unknown or NULL */
		int c = top_level(t, q + 1, b, ":");
		if (c < 0)
			return 0;
		struct type x, y;
		int kx = infer(sc, q + 1, c, &x), ky = infer(sc, c + 1, b, &y);
		/* markup or a literal ("" as often as not) is markup */
		if (kx && classify(&x) == C_RAW && literal_markup(t, c + 1, b))
			return *out = x, 1;
		if (ky && classify(&y) == C_RAW && literal_markup(t, q + 1, c))
			return *out = y, 1;
		if (kx && ky && classify(&x) != classify(&y) && strcmp(x.base, "NULL") && strcmp(y.base, "NULL")) {
			/* int and int64_t mixed: the usual conversions give the wider one */
			if ((classify(&x) == C_INT && classify(&y) == C_I64) || (classify(&x) == C_I64 && classify(&y) == C_INT)) {
				*out = (struct type){"int64_t", 0};
				return 1;
			}
			return 0;
		}
		/* one side unknown: say nothing rather than guess from the other */
		if (kx && ky && strcmp(x.base, "NULL"))
			return *out = x, 1;
		if (kx && ky)
			return *out = y, 1;
		return 0;
	}
	static const char *const logic[] = {"||", "&&", "==", "!=", "<", ">", "<=", ">=", NULL};
	for (int i = 0; logic[i]; i++)
		if (top_level(t, a, b, logic[i]) > 0) {
			*out = (struct type){"int", 0};
			return 1;
		}
	static const char *const arith[] = {"+", "-", "*", "/", "%", "|", "&", "^", "<<", ">>", NULL};
	for (int i = 0; arith[i]; i++) {
		int o = top_level(t, a, b, arith[i]);
		/* a binary operator, not a unary one after another operator */
		if (o > a && !(t[o - 1].k == PUNCT && !is(&t[o - 1], ")") && !is(&t[o - 1], "]"))) {
			struct type x, y;
			if (!infer(sc, a, o, &x) || !infer(sc, o + 1, b, &y))
				return 0;
			enum cls cx = classify(&x), cy = classify(&y);
			if (cx == C_STR || cx == C_PTR)
				return *out = x, 1;
			if (cx == C_DOUBLE || cy == C_DOUBLE)
				return *out = (struct type){"double", 0}, 1;
			if (cx == C_I64 || cy == C_I64)
				return *out = (struct type){"int64_t", 0}, 1;
			if (cx == C_INT && cy == C_INT)
				return *out = (struct type){"int", 0}, 1;
			return 0;
		}
	}
	if (is_punct(&t[a], "!")) {
		*out = (struct type){"int", 0};
		return 1;
	}
	if (is_punct(&t[a], "-") || is_punct(&t[a], "+") || is_punct(&t[a], "~")) {
		struct type x;
		if (!infer(sc, a + 1, b, &x))
			return 0;
		if (classify(&x) == C_INT)	/* integer promotion */
			x = (struct type){"int", 0};
		*out = x;
		return 1;
	}
	if (is_punct(&t[a], "&")) {
		struct type x;
		if (!infer(sc, a + 1, b, &x))
			return 0;
		x.ptr++;
		*out = x;
		return 1;
	}
	if (is_punct(&t[a], "*")) {
		struct type x;
		if (!infer(sc, a + 1, b, &x) || x.ptr == 0)
			return 0;
		x.ptr--;
		*out = x;
		return 1;
	}
	if (is_punct(&t[a], "(")) {	/* a cast, a compound literal, or a parenthesised expression */
		int c = match(t, b, a);
		int stars = 0, e = c;
		while (e - 1 > a && is_punct(&t[e - 1], "*"))
			e--, stars++;
		struct type ty;
		if (c + 1 < b && parse_type(t, a + 1, e, &ty)) {
			ty.ptr += stars;
			*out = ty;
			return 1;
		}
	}
	return infer_postfix(sc, a, b, out);
}

static void problem(const struct file *f, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("%s:%d: ", f->path, line);
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	failures++;
}

static void text_of(const struct tok *t, int a, int b, char *buf, size_t n)
{
	buf[0] = '\0';
	for (int i = a; i < b && strlen(buf) + 4 < n; i++) {
		size_t l = strlen(buf);
		snprintf(buf + l, n - l, "%s%s", i > a && t[i].k == ID && t[i - 1].k == ID ? " " : "",
			 t[i].k == STR ? "\"…\"" : t[i].s);
	}
}

/* Markup spelled in the source: a string literal, or a choice between such. */
static int literal_markup(const struct tok *t, int a, int b)
{
	while (a < b && is_punct(&t[a], "(") && match(t, b, a) == b - 1)
		a++, b--;
	if (a + 1 == b && t[a].k == STR)
		return 1;
	int q = first_top_level(t, a, b, "?");
	int c = q > 0 ? top_level(t, q + 1, b, ":") : -1;
	return c > 0 && literal_markup(t, q + 1, c) && literal_markup(t, c + 1, b);
}

static int casts_to_raw(const struct tok *t, int a, int b)
{
	for (int i = a; i + 2 < b; i++)
		if (is_punct(&t[i], "(") && is(&t[i + 1], "html_raw") && is_punct(&t[i + 2], ")"))
			return 1;
	return 0;
}

/* Check one argument against what a conversion or type letter wants. */
static void want(const struct scope *sc, const char *fn, const char *what, enum cls need, int a, int b)
{
	const struct tok *t = sc->f->t;
	struct type ty;
	char src[160], got[120];
	text_of(t, a, b, src, sizeof(src));
	if (need == C_RAW && casts_to_raw(t, a, b)) {
		problem(sc->f, t[a].line, "%s: %s takes markup built by the writer, not a cast (%s)", fn, what, src);
		return;
	}
	if (need == C_RAW && literal_markup(t, a, b)) {
		args_checked++;
		return;
	}
	if (!infer(sc, a, b, &ty) || classify(&ty) == C_UNKNOWN) {
		if (!strcmp(ty.base, "NULL") && (need == C_STR || need == C_PTR)) {
			args_checked++;
			return;
		}
		if (need == C_RAW) {	/* markup must be shown to be markup */
			problem(sc->f, t[a].line, "%s: %s takes html_raw, and the type of (%s) is unknown", fn, what, src);
			return;
		}
		args_unknown++;
		if (verbose)
			printf("%s:%d: %s: %s: type of (%s) not inferred\n", sc->f->path, t[a].line, fn, what, src);
		return;
	}
	args_checked++;
	enum cls c = classify(&ty);
	int ok = c == need || (need == C_PTR && c == C_STR);
	if (!ok) {
		static const char *const names[] = {"?", "int", "int64_t", "double", "const char *", "a pointer",
						    "html_raw", "NULL", "a struct"};
		show(&ty, got, sizeof(got));
		problem(sc->f, t[a].line, "%s: %s takes %s, got %s (%s)", fn, what, names[need], got, src);
	}
}

/* The '?' placeholders of an SQL literal (outside its quoted strings): ?NNN counts as NNN. */
static int placeholders(const char *sql)
{
	int n = 0, maxn = 0;
	char q = 0;
	for (const char *p = sql; *p; p++) {
		if (q) {
			if (*p == q)
				q = 0;
		} else if (*p == '\'') {
			q = '\'';
		} else if (*p == '?') {
			if (isdigit((unsigned char)p[1])) {
				int v = atoi(p + 1);
				maxn = v > maxn ? v : maxn;
			} else {
				n++;
			}
		}
	}
	return n > maxn ? n : maxn;
}

static void check_call(const struct scope *sc, int name, int open, int close)
{
	const struct tok *t = sc->f->t;
	int arg[64], nargs = 0;	/* start of each argument; arg[nargs] = close + 1 */
	int d = 0;
	arg[nargs++] = open + 1;
	for (int i = open + 1; i < close; i++) {
		if (t[i].k != PUNCT)
			continue;
		if (is(&t[i], "(") || is(&t[i], "[") || is(&t[i], "{"))
			d++;
		else if (is(&t[i], ")") || is(&t[i], "]") || is(&t[i], "}"))
			d--;
		else if (d == 0 && is(&t[i], ",") && nargs < 63)
			arg[nargs++] = i + 1;
	}
	arg[nargs] = close + 1;
	const char *fn = t[name].s;
	calls++;
#define A(k) arg[k], arg[(k) + 1] - 1
	if (!strcmp(fn, "html_printf")) {
		if (nargs < 2 || arg[1] + 1 != arg[2] - 1 || t[arg[1]].k != STR) {
			problem(sc->f, t[name].line, "html_printf: the format must be a string literal");
			return;
		}
		const char *fmt = t[arg[1]].s;
		int k = 2;
		for (const char *p = fmt; *p; p++) {
			if (*p != '%')
				continue;
			char conv = *++p, what[8];
			if (conv == '%')
				continue;
			snprintf(what, sizeof(what), "%%%c", conv ? conv : ' ');
			if (!strchr("srdD", conv) || !conv) {
				problem(sc->f, t[name].line, "html_printf: unknown conversion %s", what);
				return;
			}
			if (k >= nargs) {
				problem(sc->f, t[name].line, "html_printf: %s has no argument (%d arguments for the format)",
					what, nargs - 2);
				return;
			}
			enum cls need = conv == 's' ? C_STR : conv == 'r' ? C_RAW : conv == 'd' ? C_INT : C_I64;
			want(sc, fn, what, need, A(k));
			k++;
		}
		if (k < nargs)
			problem(sc->f, t[name].line, "html_printf: %d arguments for %d conversions", nargs - 2, k - 2);
		return;
	}
	int s = !strcmp(fn, "db_query") || !strcmp(fn, "db_exec") ? 1 : 2;	/* index of the SQL */
	if (nargs < s + 2) {
		problem(sc->f, t[name].line, "%s: too few arguments", fn);
		return;
	}
	int ty0 = arg[s + 1];
	const char *types;
	if (ty0 + 1 == arg[s + 2] - 1 && t[ty0].k == STR)
		types = t[ty0].s;
	else if (ty0 + 1 == arg[s + 2] - 1 && is(&t[ty0], "NULL"))
		types = "";
	else {
		problem(sc->f, t[name].line, "%s: the type string must be a string literal", fn);
		return;
	}
	if (arg[s] + 1 == arg[s + 1] - 1 && t[arg[s]].k == STR) {
		int ph = placeholders(t[arg[s]].s);
		if (ph != (int)strlen(types))
			problem(sc->f, t[name].line, "%s: type string \"%s\" has %d letters for %d placeholders", fn,
				types, (int)strlen(types), ph);
	}
	int k = s + 2;
	for (const char *p = types; *p; p++) {
		char what[8];
		snprintf(what, sizeof(what), "'%c'", *p);
		if (!strchr("iIdtbn", *p)) {
			problem(sc->f, t[name].line, "%s: unknown type letter %s", fn, what);
			return;
		}
		if (*p == 'n')
			continue;
		if (k + (*p == 'b') >= nargs) {
			problem(sc->f, t[name].line, "%s: type string \"%s\" wants more than the %d arguments given", fn,
				types, nargs - s - 2);
			return;
		}
		enum cls need = *p == 'i' ? C_INT : *p == 'I' ? C_I64 : *p == 'd' ? C_DOUBLE : *p == 't' ? C_STR : C_PTR;
		want(sc, fn, what, need, A(k));
		k++;
		if (*p == 'b')
			want(sc, fn, "'b' length", C_I64, A(k)), k++;
	}
	if (k < nargs)
		problem(sc->f, t[name].line, "%s: type string \"%s\" for %d arguments", fn, types, nargs - s - 2);
#undef A
}

static void pass2(const struct file *f)
{
	const struct tok *t = f->t;
	struct scope sc = {f, 0};
	int depth = 0;
	for (int i = 0; i < f->n; i++) {
		if (is_punct(&t[i], "{")) {
			if (depth == 0) {	/* a function body starts: its parameters are in (...) before */
				int k = i - 1;
				while (k > 0 && !is_punct(&t[k], ")") && !is_punct(&t[k], ";") && !is_punct(&t[k], "}"))
					k--;
				int d = 0;
				for (; k > 0; k--) {
					if (is_punct(&t[k], ")"))
						d++;
					else if (is_punct(&t[k], "(") && --d == 0)
						break;
				}
				sc.fn_start = k;
			}
			depth++;
		} else if (is_punct(&t[i], "}")) {
			depth--;
		} else if (depth > 0 && t[i].k == ID && i + 1 < f->n && is_punct(&t[i + 1], "(") &&
			   (is(&t[i], "html_printf") || is(&t[i], "db_query") || is(&t[i], "db_exec") ||
			    is(&t[i], "db_get_i64") || is(&t[i], "db_get_text"))) {
			check_call(&sc, i, i + 1, match(t, f->n, i + 1));
		}
	}
}

int main(int argc, char **argv)
{
	int first = 1;
	if (argc > 1 && !strcmp(argv[1], "-v"))
		verbose = 1, first = 2;
	int n = argc - first;
	struct file *files = calloc((size_t)(n ? n : 1), sizeof(*files));
	for (int i = 0; i < n; i++) {
		files[i].path = argv[first + i];
		tokenize(&files[i]);
	}
	for (int i = 0; i < n; i++)
		for (int round = 0; round < 8 && expand(&files[i]); round++)
			;
	for (int i = 0; i < n; i++) {
		struct file *f = &files[i];
		f->depth = calloc((size_t)f->n + 1, sizeof(int));
		for (int k = 0, d = 0; k < f->n; k++) {
			d -= is_punct(&f->t[k], "}");
			f->depth[k] = d;
			d += is_punct(&f->t[k], "{");
		}
	}
	for (int i = 0; i < n; i++)
		pass1_typedefs(&files[i]);
	for (int i = 0; i < n; i++)
		pass1(&files[i]);
	for (int i = 0; i < n; i++)
		pass2(&files[i]);
	printf("calls: %d checked, %d arguments typed, %d not inferred, %d problems\n", calls, args_checked,
	       args_unknown, failures);
	return failures ? 1 : 0;
}
