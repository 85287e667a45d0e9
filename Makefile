# anquan — 安全生产管理系统
#
#   make          build ./anquan
#   make run      install what is missing, build, serve http://127.0.0.1:8080 with demo data
#   make test     install what is missing, build with ASan+UBSan, run every test (on SQLite,
#                 then on PostgreSQL when it is installed or ANQUAN_TEST_PG=1; =0: not)
#   make e2e      only the browser tests (headless Chromium)
#   make test-dates  the unit and HTTP tests again at other dates (faketime)
#   make bench    benchmarks (bench/), not part of make test
#   make fuzz     libFuzzer targets, each for FUZZ_SECONDS
#   make tsan     the HTTP tests against a ThreadSanitizer build
#   make fresh-check  make run and make test inside a new minimal Debian 12 root (slow)
#   make install  install ./anquan, its man page and a sample configuration (PREFIX, DESTDIR)
#   make clean
#
# The release build honours CFLAGS, CPPFLAGS and LDFLAGS from the environment (so that
# dpkg-buildflags applies) and adds the usual hardening flags the compiler accepts.
# DEFAULT_DATA and DEFAULT_CONFIG set where an installed anquan looks without configuration
# (debian/rules: /var/lib/anquan and /etc/anquan/anquan.conf); left empty, ./data and
# DATA/anquan.conf, which is what `make run` uses.
#
# Each of those targets first runs scripts/deps (installs missing Debian packages), then runs
# this Makefile again for the same target: the compiler flags come from pkg-config, which can
# only answer once the packages are there. The flags are read on first use, never while the
# Makefile is parsed, so targets that compile nothing never call pkg-config.

CC ?= cc
PKGS := libmicrohttpd sqlite3 libpq jansson libsodium libcurl libmosquitto libqrencode xlsxwriter libturbojpeg libjpeg libpng libexif libzip expat pangocairo icu-i18n icu-uc zlib libbrotlienc libcrypto libxxhash
WARN := -std=c17 -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter -Wformat=2 -Wno-format-nonliteral
DEFS := -D_GNU_SOURCE
# Read once, on first use (then kept as a simple variable); a failure stops make with the reason.
pkgconfig = $(shell pkg-config $(1) $(PKGS))$(if $(filter 0,$(.SHELLSTATUS)),,$(error pkg-config $(1) failed: packages are missing, run scripts/deps))
PKG_CFLAGS = $(eval PKG_CFLAGS := $$(call pkgconfig,--cflags))$(PKG_CFLAGS)
PKG_LIBS = $(eval PKG_LIBS := $$(call pkgconfig,--libs) -lpthread -lm)$(PKG_LIBS)

SRC := $(shell find src -name '*.c' ! -name main.c | sort)
EMBED := $(sort $(wildcard src/db/migrations/*.sql) $(wildcard src/db/migrations/pg/*.sql) $(wildcard po/*.tsv))
UNIT_SRC := $(sort $(wildcard tests/unit/*.c))

REL := build/rel
ASAN := build/asan
# Hardening, each flag only where the compiler takes it (asked once, on first use); a
# _FORTIFY_SOURCE or -O already in CPPFLAGS/CFLAGS (dpkg-buildflags) wins over ours.
cc_takes = $(shell $(CC) $(1) -Werror -x c -c -o /dev/null /dev/null 2>/dev/null && echo '$(1)')
ld_takes = $(shell printf 'int main(void){return 0;}' | $(CC) $(1) -x c -o /dev/null - 2>/dev/null && echo '$(1)')
HARDEN_CFLAGS = $(eval HARDEN_CFLAGS := $$(call cc_takes,-fstack-protector-strong) \
	$$(call cc_takes,-fstack-clash-protection) $$(call cc_takes,-fcf-protection) \
	$$(if $$(findstring _FORTIFY_SOURCE,$$(CPPFLAGS) $$(CFLAGS)),,$$(call cc_takes,-D_FORTIFY_SOURCE=2)))$(HARDEN_CFLAGS)
HARDEN_LDFLAGS = $(eval HARDEN_LDFLAGS := $$(call ld_takes,-Wl$$(comma)-z$$(comma)relro) $$(call ld_takes,-Wl$$(comma)-z$$(comma)now))$(HARDEN_LDFLAGS)
comma := ,
REL_CFLAGS = $(WARN) $(DEFS) -O2 -g $(HARDEN_CFLAGS) $(CPPFLAGS) $(CFLAGS) -Isrc -I$(REL) $(PKG_CFLAGS)
REL_LDFLAGS = $(HARDEN_LDFLAGS) $(LDFLAGS)

# version and build date (SOURCE_DATE_EPOCH when set, for reproducible packages), and the
# installed defaults, in a header only version.c and config.c include; rewritten only when
# its text changes, so a new day recompiles those two files and nothing else
VERSION := $(shell cat VERSION)
DEFAULT_DATA ?=
DEFAULT_CONFIG ?=
build_date = $(shell date -u $(if $(SOURCE_DATE_EPOCH),-d @$(SOURCE_DATE_EPOCH)) +%Y-%m-%d)
define build_info
#define ANQUAN_VERSION "$(VERSION)"
#define ANQUAN_BUILD_DATE "$(build_date)"
$(if $(DEFAULT_DATA),#define ANQUAN_DEFAULT_DATA "$(DEFAULT_DATA)")
$(if $(DEFAULT_CONFIG),#define ANQUAN_DEFAULT_CONFIG "$(DEFAULT_CONFIG)")
endef
%/build_info.h: FORCE
	@mkdir -p $(dir $@)
	@printf '%s\n' '$(subst $(newline),' ',$(build_info))' > $@.tmp
	@if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; fi
define newline


endef
.PHONY: FORCE
$(REL)/base/version.o $(REL)/base/config.o: $(REL)/build_info.h
$(ASAN)/base/version.o $(ASAN)/base/config.o: $(ASAN)/build_info.h
build/fuzz/base/version.o build/fuzz/base/config.o: build/fuzz/build_info.h
build/tsan/base/version.o build/tsan/base/config.o: build/tsan/build_info.h
# ANQUAN_TEST_BUILD compiles in what only tests may use (the clock override, /api/v1/test/*,
# the access-check probe); the release ./anquan is built without it.
TEST_DEFS := -DANQUAN_TEST_BUILD
ASAN_CFLAGS = $(WARN) $(DEFS) $(TEST_DEFS) -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined -Isrc -I$(ASAN) $(PKG_CFLAGS)

.PHONY: all run test test-dates test-pg unit e2e bench fuzz tsan clean deps deps-test fresh-check install

# the targets that install their packages first, and the scripts/deps group each needs
GOALS := all run test test-dates test-pg unit e2e bench fuzz tsan install
# (make test runs on PostgreSQL too when its initdb is installed; ANQUAN_TEST_PG=1 makes it
# required, so then it is installed too)
deps_group = $(if $(filter test-pg,$(1))$(if $(filter 1,$(ANQUAN_TEST_PG)),$(filter test,$(1))),test pg,$(if $(filter test test-dates e2e tsan,$(1)),test,$(filter bench fuzz,$(1))))

ifndef ANQUAN_DEPS_READY
$(GOALS):
	@scripts/deps $(call deps_group,$@)
	@$(MAKE) --no-print-directory ANQUAN_DEPS_READY=1 $@
else
all: anquan
endif

deps:
	@scripts/deps

deps-test:
	@scripts/deps test

build/embed: tools/embed.c
	@mkdir -p build
	$(CC) -O1 -o $@ $<

# static files as served (CSS and scripts without comments) and in gzip and Brotli
# (tools/precompress.c), embedded under their own names
STATIC := $(sort $(wildcard static/*))
PRE_EMBED := $(foreach f,$(STATIC),$(f)=build/pre/$(f) $(f).gz=build/pre/$(f).gz $(f).br=build/pre/$(f).br)

build/precompress: tools/precompress.c
	@mkdir -p build
	$(CC) -O1 -o $@ $< $$(pkg-config --cflags --libs zlib libbrotlienc)

build/pre/stamp: build/precompress $(STATIC)
	@build/precompress build/pre $(STATIC)
	@touch $@

build/embedded.c: build/embed $(EMBED) build/pre/stamp
	@echo "EMBED   $(words $(EMBED)) files"
	@build/embed $@ $(EMBED) $(PRE_EMBED)

# --- release build: ./anquan ---
REL_OBJ := $(patsubst src/%.c,$(REL)/%.o,$(SRC)) $(REL)/embedded.o $(REL)/main.o

$(REL)/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "CC      $<"
	@$(CC) $(REL_CFLAGS) -MMD -MP -c -o $@ $<

$(REL)/embedded.o: build/embedded.c
	@mkdir -p $(dir $@)
	@$(CC) $(REL_CFLAGS) -c -o $@ $<

anquan: $(REL_OBJ)
	@echo "LINK    $@"
	@$(CC) $(REL_CFLAGS) $(REL_LDFLAGS) -o $@ $(REL_OBJ) $(PKG_LIBS)

# --- install: make install [PREFIX=/usr/local] [DESTDIR=] (the unit file is debian/'s) ---
PREFIX ?= /usr/local
ifdef ANQUAN_DEPS_READY
install: anquan
	install -D -m 0755 anquan $(DESTDIR)$(PREFIX)/bin/anquan
	install -D -m 0644 man/anquan.1 $(DESTDIR)$(PREFIX)/share/man/man1/anquan.1
	install -D -m 0644 debian/anquan.conf $(DESTDIR)$(PREFIX)/share/doc/anquan/anquan.conf.example
endif

# --- sanitizer build for tests: build/asan/anquan and build/asan/unit ---
ASAN_OBJ := $(patsubst src/%.c,$(ASAN)/%.o,$(SRC)) $(ASAN)/embedded.o

$(ASAN)/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "CC asan $<"
	@$(CC) $(ASAN_CFLAGS) -MMD -MP -c -o $@ $<

$(ASAN)/embedded.o: build/embedded.c
	@mkdir -p $(dir $@)
	@$(CC) $(ASAN_CFLAGS) -c -o $@ $<

$(ASAN)/anquan: $(ASAN_OBJ) $(ASAN)/main.o
	@echo "LINK    $@"
	@$(CC) $(ASAN_CFLAGS) -o $@ $^ $(PKG_LIBS)

$(ASAN)/unit: $(ASAN_OBJ) $(UNIT_SRC) tests/unit/unit.h
	@echo "LINK    $@"
	@$(CC) $(ASAN_CFLAGS) -Itests/unit -o $@ $(ASAN_OBJ) $(UNIT_SRC) $(PKG_LIBS)

# --- benchmarks: make bench (not part of make test) ---
# The generator and the SQL loop link the release objects, so they use the real schema
# (db_migrate) and the real hazard code.
BENCH := build/bench

$(BENCH)/%: bench/%.c $(REL)/embedded.o $(filter-out $(REL)/main.o,$(REL_OBJ))
	@mkdir -p $(dir $@)
	@echo "LINK    $@"
	@$(CC) $(REL_CFLAGS) -o $@ $< $(filter-out $(REL)/main.o,$(REL_OBJ)) $(PKG_LIBS)

ifdef ANQUAN_DEPS_READY
bench: anquan $(BENCH)/gen $(BENCH)/sqlloop $(BENCH)/photo
	@bench/run
endif

# --- fuzzing (clang + libFuzzer): make fuzz [FUZZ_SECONDS=600] ---
FUZZ := build/fuzz
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS = -std=c17 -Wall -Wextra -Wno-unused-parameter $(DEFS) $(TEST_DEFS) -O1 -g -fno-omit-frame-pointer \
	-fsanitize=fuzzer-no-link,address,undefined -Isrc -I$(FUZZ) $(PKG_CFLAGS)
FUZZ_OBJ := $(patsubst src/%.c,$(FUZZ)/%.o,$(SRC)) $(FUZZ)/embedded.o
# reached only through the fuzz_% pattern rule, make would delete them as intermediates and
# rebuild every object on the next `make fuzz`
.SECONDARY: $(FUZZ_OBJ)

$(FUZZ)/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "CC fuzz $<"
	@clang $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ)/embedded.o: build/embedded.c
	@mkdir -p $(dir $@)
	@clang $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJ)
	@echo "LINK    $@"
	@clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJ) $(PKG_LIBS)

ifdef ANQUAN_DEPS_READY
fuzz:
	@$(MAKE) --no-print-directory $(addprefix $(FUZZ)/fuzz_,$(FUZZ_TARGETS))
	@tests/fuzz/run $(FUZZ_SECONDS) $(FUZZ_TARGETS)
endif

# the kept corpora replayed under ASan/UBSan by make test
$(ASAN)/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(ASAN_OBJ)
	@echo "LINK    $@"
	@$(CC) $(ASAN_CFLAGS) -o $@ $< tests/fuzz/replay.c $(ASAN_OBJ) $(PKG_LIBS)

# --- ThreadSanitizer build of the server, driven by the HTTP tests ---
TSAN := build/tsan
TSAN_CFLAGS = $(WARN) $(DEFS) $(TEST_DEFS) -O1 -g -fsanitize=thread -Isrc -I$(TSAN) $(PKG_CFLAGS)
TSAN_OBJ := $(patsubst src/%.c,$(TSAN)/%.o,$(SRC)) $(TSAN)/embedded.o $(TSAN)/main.o

$(TSAN)/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "CC tsan $<"
	@$(CC) $(TSAN_CFLAGS) -c -o $@ $<

$(TSAN)/embedded.o: build/embedded.c
	@mkdir -p $(dir $@)
	@$(CC) $(TSAN_CFLAGS) -c -o $@ $<

$(TSAN)/anquan: $(TSAN_OBJ)
	@echo "LINK    $@"
	@$(CC) $(TSAN_CFLAGS) -o $@ $^ $(PKG_LIBS)

ifdef ANQUAN_DEPS_READY
tsan: $(TSAN)/anquan
	@ANQUAN_BIN=$(TSAN)/anquan TSAN_OPTIONS="halt_on_error=0 second_deadlock_stack=1 suppressions=$(CURDIR)/tests/tsan.supp" tests/run http
endif

REPLAY := $(addprefix $(ASAN)/replay_,$(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c)))

ifdef ANQUAN_DEPS_READY
run: anquan
	@mkdir -p data
	./anquan serve --demo

# tests/run ends with the PostgreSQL run when PostgreSQL is installed or ANQUAN_TEST_PG=1
test: $(ASAN)/anquan $(ASAN)/unit $(REPLAY)
	@tests/run

# the same tests on other days: the unit and HTTP tests again under faketime at the 1st of a
# month 00:05, New Year's Eve 23:55 and a leap day (Asia/Shanghai), then today; the moments
# are listed in tests/run.
test-dates: $(ASAN)/anquan $(ASAN)/unit
	@tests/run dates

# the unit tests and the HTTP files of tests/pg-passing on PostgreSQL, in a throw-away cluster
# (scripts/pg-test-cluster); make test ends with it when PostgreSQL is installed
test-pg: $(ASAN)/anquan $(ASAN)/unit
	@scripts/pg-test-cluster tests/run pg

unit: $(ASAN)/unit
	$(ASAN)/unit

e2e: $(ASAN)/anquan
	@tests/run e2e
endif

# not part of make test: needs root, the network and several minutes (scripts/fresh-check)
fresh-check:
	@scripts/fresh-check

clean:
	rm -rf build anquan

-include $(shell find build -name '*.d' 2>/dev/null)
