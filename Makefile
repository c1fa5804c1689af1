# Sekisho - one non-recursive Makefile (DESIGN.md decision 1).
#
#   make            build libsekisho, the host library, the sekisho CLI,
#                   sekishod and the PAM module pam_sekisho.so
#   make check      install missing Debian packages, build, run unit tests,
#                   integration tests, fuzz-corpus regression, then the unit
#                   and integration tests again under ASan+UBSan
#   make run        build and start the product on the embedded default
#   make fuzz       run every libFuzzer target for FUZZ_SECONDS each
#   make bench      run the benchmarks in bench/
#
# Set SAN=1 for an ASan+UBSan build (output goes to build/asan).

CC       ?= cc
SAN      ?= 0
ifeq ($(SAN),1)
BUILD    ?= build/asan
else
BUILD    ?= build
endif
PREFIX   ?= /usr/local

PKG_CORE := libsodium libcrypto
PKG_HOST := sqlite3 inih libqrencode jansson
PKG_SRV  := libh2o-evloop openssl

WARN     := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wformat-security \
            -Wstrict-prototypes -Wmissing-prototypes -Wvla -Wpointer-arith \
            -Wcast-qual -Wnull-dereference -Wimplicit-fallthrough
HARDEN   := -fstack-protector-strong -fstack-clash-protection -fcf-protection \
            -fno-strict-overflow -fno-delete-null-pointer-checks
ifeq ($(SAN),1)
OPT      := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
            -fno-sanitize-recover=all
SANLD    := -fsanitize=address,undefined
else
OPT      := -O2 -g -D_FORTIFY_SOURCE=3
SANLD    :=
endif

CPPFLAGS += -Iinclude -Ilib -D_GNU_SOURCE
CFLAGS   ?=
CFLAGS   += -std=c17 $(WARN) $(HARDEN) $(OPT) -fPIC \
            $(shell pkg-config --cflags $(PKG_CORE) $(PKG_HOST) cmocka)
LDHARD   := -Wl,-z,relro,-z,now -Wl,-z,noexecstack $(SANLD)
LIBS_CORE := $(shell pkg-config --libs $(PKG_CORE)) -lzxcvbn -lm
LIBS_HOST := $(shell pkg-config --libs $(PKG_HOST))
# h2o 2.2's headers need to be told which event loop the library was built with.
SRV_FLAGS := -DH2O_USE_LIBUV=0
LIBS_SRV := $(shell pkg-config --libs $(PKG_SRV)) -lpthread
# The PAM module links libpam and jansson only: it never opens the database.
LIBS_PAM := -lpam $(shell pkg-config --libs jansson)
ifeq ($(SAN),1)
PAMDEFS  :=
else
PAMDEFS  := -Wl,-z,defs
endif

CORE_SRC := $(wildcard lib/*.c)
HOST_SRC := $(wildcard lib/host/*.c)
CLI_SRC  := $(wildcard cli/*.c)
SRV_SRC  := $(filter-out server/main.c,$(wildcard server/*.c))
SRV_OBJ  := $(SRV_SRC:%.c=$(BUILD)/%.o)
CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/%.o)
HOST_OBJ := $(HOST_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
# sekisho-watch: everything under watch/ but its main goes into libwatch.a,
# which the unit tests link too.
WATCH_SRC := $(filter-out watch/main.c,$(wildcard watch/*.c watch/*/*.c))
WATCH_OBJ := $(WATCH_SRC:%.c=$(BUILD)/%.o)
LIBWATCH := $(BUILD)/libwatch.a
WATCHBIN := $(BUILD)/sekisho-watch
# libevtx reads .evtx files for the winevt source (watch/parsers/winevt.c);
# only sekisho-watch (and the tests that link libwatch.a) link it.  libcurl
# posts alerts to a webhook from a worker thread (watch/sink_webhook.c): its
# headers are used here, the library itself is loaded only when a webhook is
# configured (watch/curl_load.c; linked in, it brought 31 libraries into
# every run).
PKG_WATCH := libevtx
CFLAGS_WATCH := $(shell pkg-config --cflags $(PKG_WATCH) libcurl) -pthread
LIBS_WATCH := $(shell pkg-config --libs $(PKG_WATCH)) -pthread
$(WATCH_OBJ): CFLAGS += $(CFLAGS_WATCH)

LIBCORE  := $(BUILD)/libsekisho.a
LIBSO    := $(BUILD)/libsekisho.so.0
LIBHOST  := $(BUILD)/libsekisho-host.a
LIBSRV   := $(BUILD)/libsekishod.a
CLI      := $(BUILD)/sekisho
SERVERD  := $(BUILD)/sekishod
PAMMOD   := $(BUILD)/pam_sekisho.so
PAMTEST  := $(BUILD)/tests/pamtest_run
SINKRECV := $(BUILD)/tests/sink_receiver

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
EXAMPLE_SRC := $(wildcard examples/*.c)
EXAMPLE_BIN := $(EXAMPLE_SRC:examples/%.c=$(BUILD)/examples/%)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
BENCH_SRC := $(wildcard bench/*.c)
BENCH_BIN := $(BENCH_SRC:bench/%.c=build/bench/%)

.PHONY: all deps check unit integration e2e fuzz-regress asan run fuzz bench \
        install clean examples lint
.DEFAULT_GOAL := all

all: $(LIBCORE) $(LIBSO) $(LIBHOST) $(CLI) $(SERVERD) $(PAMMOD) $(WATCHBIN)

deps:
	@./scripts/deps.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/watch/%.o: watch/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Iwatch $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/server/%.o: server/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(SRV_FLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(LIBSRV): $(SRV_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(SERVERD): $(BUILD)/server/main.o $(LIBSRV) $(LIBHOST) $(LIBCORE)
	$(CC) -pie $(LDHARD) -o $@ $(BUILD)/server/main.o $(LIBSRV) $(LIBHOST) $(LIBCORE) \
	    $(LIBS_SRV) $(LIBS_HOST) $(LIBS_CORE)

# pam_sekisho.so exports only pam_sm_* (pam/pam_sekisho.map); check with
# nm -D --defined-only.
$(PAMMOD): pam/pam_sekisho.c pam/pam_sekisho.map
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -shared -Wl,--version-script=pam/pam_sekisho.map $(PAMDEFS) \
	    $(LDHARD) -o $@ pam/pam_sekisho.c $(LIBS_PAM)

# Drives a PAM service through libpamtest (tests/integration/90_pam.sh).
$(PAMTEST): tests/integration/pamtest_run.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Wno-missing-prototypes -pie $(LDHARD) -o $@ $< -lpamtest -lpam

# The HTTP(S), unix-datagram and UDP receiver of sekisho-watch's sinks
# (tests/integration/99_watch_sinks.sh).
$(SINKRECV): tests/integration/sink_receiver.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Wno-missing-prototypes -pie $(LDHARD) -o $@ $< \
	    $(shell pkg-config --libs openssl)

$(LIBCORE): $(CORE_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

# The shared library exports only the public API (lib/libsekisho.map).
$(LIBSO): $(CORE_OBJ) lib/libsekisho.map
	$(CC) -shared -Wl,-soname,libsekisho.so.0 -Wl,--version-script=lib/libsekisho.map \
	    $(LDHARD) -o $@ $(CORE_OBJ) $(LIBS_CORE)

$(LIBHOST): $(HOST_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(CLI): $(CLI_OBJ) $(LIBHOST) $(LIBCORE)
	$(CC) -pie $(LDHARD) -o $@ $(CLI_OBJ) $(LIBHOST) $(LIBCORE) $(LIBS_HOST) $(LIBS_CORE)

$(LIBWATCH): $(WATCH_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(WATCHBIN): $(BUILD)/watch/main.o $(LIBWATCH) $(LIBCORE)
	$(CC) -pie $(LDHARD) -o $@ $(BUILD)/watch/main.o $(LIBWATCH) $(LIBCORE) $(LIBS_HOST) \
	    $(LIBS_CORE) $(LIBS_WATCH)

$(BUILD)/tests/test_%: tests/unit/test_%.c $(LIBSRV) $(LIBHOST) $(LIBCORE) $(LIBWATCH)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(SRV_FLAGS) -Iserver -Iwatch $(CFLAGS) -Wno-missing-prototypes -pie $(LDHARD) -o $@ $< \
	    $(LIBSRV) $(LIBHOST) $(LIBWATCH) $(LIBCORE) $(LIBS_SRV) $(LIBS_HOST) $(LIBS_CORE) $(LIBS_WATCH) $(shell pkg-config --libs cmocka)

# Examples link only the core library: that is what a device firmware gets.
$(BUILD)/examples/%: examples/%.c $(LIBCORE)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Wno-missing-prototypes -pie $(LDHARD) -o $@ $< \
	    $(LIBCORE) $(LIBS_CORE)

examples: $(EXAMPLE_BIN)

unit: $(UNIT_BIN) $(EXAMPLE_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done
	@set -e; for e in $(EXAMPLE_BIN); do echo "== $$e"; $$e >/dev/null; done

integration: all $(PAMTEST) $(SINKRECV)
	@set -e; for t in tests/integration/[0-9]*.sh; do \
	    echo "== $$t"; SEKISHO=$(abspath $(CLI)) SEKISHOD=$(abspath $(SERVERD)) \
	    PAM_SEKISHO=$(abspath $(PAMMOD)) PAMTEST_RUN=$(abspath $(PAMTEST)) \
	    SINK_RECEIVER=$(abspath $(SINKRECV)) SAN=$(SAN) sh $$t; done

# The portal in Debian's Chromium (playwright-core); starts its own server.
e2e: all
	@echo "== tests/e2e/journey.mjs"; SEKISHOD=$(abspath $(SERVERD)) node tests/e2e/journey.mjs
	@echo "== tests/e2e/admin.mjs"; SEKISHOD=$(abspath $(SERVERD)) node tests/e2e/admin.mjs
	@echo "== tests/e2e/forward_auth.mjs"; SEKISHOD=$(abspath $(SERVERD)) SEKISHO=$(abspath $(CLI)) node tests/e2e/forward_auth.mjs
	@echo "== tests/e2e/token.mjs"; SEKISHOD=$(abspath $(SERVERD)) node tests/e2e/token.mjs

# The fuzz targets replay their corpus (plus a short random run) in make check;
# make fuzz runs them for longer.
FUZZ_CC      := clang
FUZZ_CFLAGS  := -std=c17 -g -O1 -Iinclude -Ilib -Iserver -Iwatch -D_GNU_SOURCE $(SRV_FLAGS) \
                -fsanitize=fuzzer,address,undefined $(shell pkg-config --cflags $(PKG_CORE) $(PKG_HOST))
FUZZ_LIBSRC  := $(CORE_SRC) $(HOST_SRC) $(SRV_SRC) $(WATCH_SRC)
FUZZ_SECONDS ?= 60

# The library sources are compiled once for all targets (each target used to
# compile all of them again: minutes of make check).
FUZZ_OBJ     := $(FUZZ_LIBSRC:%.c=build/fuzz/obj/%.o)

$(FUZZ_OBJ): build/fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(CFLAGS_WATCH) -MMD -MP -c $< -o $@

build/fuzz/%: tests/fuzz/%.c $(FUZZ_OBJ)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(CFLAGS_WATCH) -o $@ $< $(FUZZ_OBJ) $(LIBS_SRV) $(LIBS_HOST) $(LIBS_CORE) $(LIBS_WATCH)

fuzz-regress: $(FUZZ_BIN)
	@set -e; for f in $(FUZZ_BIN); do n=$$(basename $$f); \
	    rm -rf build/fuzz/regress/$$n; mkdir -p build/fuzz/regress/$$n tests/fuzz/corpus/$$n; \
	    echo "== $$f (corpus + 10000 runs)"; \
	    $$f -runs=10000 -seed=1 -max_len=4096 build/fuzz/regress/$$n tests/fuzz/corpus/$$n \
	      >/dev/null 2>build/fuzz/$$n.log || { tail -40 build/fuzz/$$n.log; exit 1; }; done

fuzz: $(FUZZ_BIN)
	@set -e; for f in $(FUZZ_BIN); do n=$$(basename $$f); mkdir -p build/fuzz/new/$$n; \
	    echo "== $$f ($(FUZZ_SECONDS)s)"; \
	    $$f -max_total_time=$(FUZZ_SECONDS) build/fuzz/new/$$n tests/fuzz/corpus/$$n; done

asan:
	@$(MAKE) --no-print-directory SAN=1 unit integration examples

# Secrets are compared in constant time only (STYLE.md).
lint:
	@./scripts/lint-secrets.sh

check: deps
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory all examples
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory integration
	@$(MAKE) --no-print-directory e2e
	@$(MAKE) --no-print-directory fuzz-regress
	@$(MAKE) --no-print-directory asan
	@echo "make check: all tests passed"

build/bench/%: bench/%.c $(LIBHOST) $(LIBCORE)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Wno-missing-prototypes -pie $(LDHARD) -o $@ $< \
	    $(LIBHOST) $(LIBCORE) $(LIBS_HOST) $(LIBS_CORE) -loath -largon2 -lpthread

bench: deps all $(BENCH_BIN)
	@set -e; for b in $(BENCH_BIN); do echo "== $$b"; $$b; done
	@set -e; for b in bench/*.sh; do echo "== $$b"; sh $$b build; done

# The portal on the embedded default: ./var, loopback, bootstrap admin.
run: deps all
	@./scripts/run.sh $(abspath $(SERVERD))

# PAM modules go where libpam looks for them (Debian: /lib/<triplet>/security).
# The systemd unit of sekisho-watch is not installed (distributions put units
# in different places): contrib/systemd/README.md.
PAMDIR   ?= $(shell pkg-config --variable=libdir pam 2>/dev/null)/security

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include/sekisho \
	    $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PAMDIR)
	install -m 0755 $(CLI) $(DESTDIR)$(PREFIX)/bin/sekisho
	install -m 0755 $(SERVERD) $(DESTDIR)$(PREFIX)/bin/sekishod
	install -m 0755 $(WATCHBIN) $(DESTDIR)$(PREFIX)/bin/sekisho-watch
	install -m 0644 $(PAMMOD) $(DESTDIR)$(PAMDIR)/pam_sekisho.so
	install -m 0644 $(LIBCORE) $(LIBHOST) $(DESTDIR)$(PREFIX)/lib/
	install -m 0755 $(LIBSO) $(DESTDIR)$(PREFIX)/lib/
	ln -sf libsekisho.so.0 $(DESTDIR)$(PREFIX)/lib/libsekisho.so
	install -m 0644 include/sekisho/*.h $(DESTDIR)$(PREFIX)/include/sekisho/
	install -m 0644 docs/sekisho.1 docs/sekisho-watch.1 $(DESTDIR)$(PREFIX)/share/man/man1/

clean:
	rm -rf build

-include $(CORE_OBJ:.o=.d) $(HOST_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(SRV_OBJ:.o=.d) $(BUILD)/server/main.d \
         $(WATCH_OBJ:.o=.d) $(BUILD)/watch/main.d $(FUZZ_OBJ:.o=.d)
