# nestmed: one entry point.  See README.md and docs/build.md.
#   make              build everything user-space (build/nestmed, test runners)
#   make check        all tests: check-unit (plain + ASan/UBSan), fuzz-smoke,
#                     modules, check-kernel, check-cli, check-qemu;
#                     last line "N passed, N failed"
#   make check-unit   the KUnit suites in the user-space runner, twice
#   make check-kernel the same suites in a UML KUnit kernel (kunit.py)
#   make check-cli    shell tests of build/nestmed (tests/cli/*.sh)
#   make check-qemu   nmdev.ko loaded and unloaded in Debian's real 6.12 kernel
#                     under QEMU (TCG), probe error paths on QEMU devices
#   make modules      kbuild vsva/ as nestmed_vsva.ko and guest/ as nmdev.ko,
#                     W=1, warning-free; checkpatch --strict on guest/
#   make fuzz         every libFuzzer target for FUZZ_TIME s (fuzz-smoke: short)
#   make run          the main job on the simulated platform
#   make bench        nestmed bench --json
#   make clean        remove build/ (distclean: also .deps/ and .kunit-work/)
# Every target installs the Debian packages it needs (scripts/deps.sh).

CC      ?= cc
CLANG   ?= clang
B       := build
LOGS    := $(B)/logs
WARN    := -Wall -Wextra -Werror -Wno-unused-parameter -Wmissing-prototypes -Wstrict-prototypes
CSTD    := -std=gnu11
INC     := -Iuapi -Ivsva -Ihost -Ihost/sim -Itests/kunit-user/include
CFLAGS_BASE := $(CSTD) $(WARN) $(INC) -g -D_GNU_SOURCE
OPT     := -O2
SAN     := -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS := $(CFLAGS_BASE) -O1 -fno-omit-frame-pointer $(FUZZ_SAN) \
	       -fsanitize=fuzzer-no-link -DNESTMED_FUZZ
DEPFLAGS = -MMD -MP

# Fuzz budgets (seconds per target).
FUZZ_TIME       ?= 60
FUZZ_SMOKE_TIME ?= 10

# Quiet by default; `make V=1` shows the commands.
ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-6s %s\n' $(1) $(2)
endif

SHELL       := /bin/bash
.SHELLFLAGS := -o pipefail -ec

# Sources are discovered: helpers add files while the tree grows.
VSVA_SRCS  := $(sort $(wildcard vsva/*.c))
# Host-side libraries (user space only): the simulated platform, host/*.c.
# The nested machine (guest/sim/l1.c, l2.c) needs the L1 kernel: it goes
# into the lk archive below.
MACHINE_SRCS := guest/sim/l1.c guest/sim/l2.c
HOST_SRCS  := $(filter-out $(MACHINE_SRCS),$(sort $(wildcard host/*.c host/sim/*.c guest/sim/*.c)))
# The simulated L1 kernel (guest/sim/lk/) and the nmdev driver sources
# (guest/*.c, unchanged) compile against its <linux/...> (guest/sim/include);
# the kernel's W=1 warning set does not include -Wsign-compare.
LK_SRCS    := $(sort $(wildcard guest/sim/lk/*.c guest/*.c $(MACHINE_SRCS)))
LK_CFLAGS  := -Iguest/sim/include -Iguest -Iguest/sim -Wno-sign-compare \
	      -DKBUILD_MODNAME='"nmdev"' -DLK_MODULE=nmdev
# Suites of the user-space runner.  tests/vsva/*.c also run in the UML
# kernel (tests/kunit/Kbuild); tests/sim, tests/host are user space only.
TEST_SRCS  := $(sort $(wildcard tests/vsva/*.c tests/sim/*.c tests/host/*.c tests/guest/*.c))
# Suites of the simulated L1 kernel itself: they see its Linux API.
LK_TEST_SRCS := $(sort $(wildcard tests/lk/*.c))
TEST_SRCS  += $(LK_TEST_SRCS)
KUNIT_SRCS := tests/kunit-user/kunit.c
CLI_SRCS   := $(sort $(wildcard host/cli/*.c))
# Libraries of the user-space binaries: libyaml for scenario files
# (host/scenario.c; libyaml-dev, scripts/deps.sh unit).
CLI_LIBS   := -lyaml
FUZZ_SRCS  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
# tests/fuzz/*.c that are not targets: helpers linked into every target.
FUZZ_LIB_SRCS := $(filter-out $(FUZZ_SRCS),$(sort $(wildcard tests/fuzz/*.c)))

# One object tree per flavour: build/obj/<flavour>/<path of the .c>.o
objs = $(patsubst %.c,$(B)/obj/$(1)/%.o,$(2))
VSVA_PLAIN := $(call objs,plain,$(VSVA_SRCS))
VSVA_SANOB := $(call objs,san,$(VSVA_SRCS))
HOST_PLAIN := $(call objs,plain,$(HOST_SRCS))
HOST_SANOB := $(call objs,san,$(HOST_SRCS))
# Fuzz targets link what they use from one archive of vsva, host and the
# tests/fuzz helpers.
FUZZ_LIB_OBJS := $(call objs,fuzz,$(VSVA_SRCS) $(HOST_SRCS) $(LK_SRCS) $(FUZZ_LIB_SRCS))
# The L1 kernel and nmdev link from an archive: only what is referenced.
LK_LIB_PLAIN := $(B)/obj/plain/liblk.a
LK_LIB_SAN   := $(B)/obj/san/liblk.a
FUZZ_LIB   := $(B)/obj/fuzz/libnestmed-fuzz.a
TESTS_PLAIN := $(call objs,plain,$(TEST_SRCS) $(KUNIT_SRCS)) $(HOST_PLAIN) $(VSVA_PLAIN)
TESTS_SANOB := $(call objs,san,$(TEST_SRCS) $(KUNIT_SRCS)) $(HOST_SANOB) $(VSVA_SANOB)
CLI_OBJS   := $(call objs,plain,$(CLI_SRCS)) $(HOST_PLAIN) $(VSVA_PLAIN)
FUZZ_BINS  := $(patsubst tests/fuzz/%.c,$(B)/fuzz/%,$(FUZZ_SRCS))

# Relink when the set of sources changes (a file added or removed), not
# only when an object is newer: build/.srcs holds the current list.
SRCLIST := $(B)/.srcs
_ := $(shell mkdir -p $(B) && \
	printf '%s\n' $(VSVA_SRCS) $(HOST_SRCS) $(LK_SRCS) $(TEST_SRCS) $(CLI_SRCS) $(FUZZ_SRCS) \
		$(FUZZ_LIB_SRCS) > $(SRCLIST).$$$$ && \
	{ cmp -s $(SRCLIST).$$$$ $(SRCLIST) || mv $(SRCLIST).$$$$ $(SRCLIST); }; \
	rm -f $(SRCLIST).$$$$)

.PHONY: all check check-unit check-kernel modules fuzz fuzz-smoke run bench \
	clean distclean deps deps-unit deps-fuzz
.DEFAULT_GOAL := all

all: $(B)/nestmed $(B)/nestmed-tests $(B)/nestmed-tests-san

# --- Debian packages (quick no-op when present) ----------------------------
deps:
	scripts/deps.sh all
deps-unit:
	@scripts/deps.sh unit
deps-fuzz:
	@scripts/deps.sh fuzz

# --- objects -----------------------------------------------------------------
$(B)/obj/plain/%.o: %.c | deps-unit
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS_BASE) $(EXTRA_CFLAGS) $(OPT) $(DEPFLAGS) -c -o $@ $<

$(B)/obj/san/%.o: %.c | deps-unit
	@mkdir -p $(@D)
	$(call msg,CC-SAN,$@)
	$(Q)$(CC) $(CFLAGS_BASE) $(EXTRA_CFLAGS) $(SAN) $(DEPFLAGS) -c -o $@ $<

$(B)/obj/fuzz/%.o: %.c | deps-fuzz
	@mkdir -p $(@D)
	$(call msg,CLANG,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $(EXTRA_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(foreach f,plain san fuzz,$(call objs,$(f),$(LK_SRCS) $(LK_TEST_SRCS))): EXTRA_CFLAGS := $(LK_CFLAGS)

ALL_OBJS := $(sort $(call objs,plain,$(LK_SRCS)) $(call objs,san,$(LK_SRCS)) $(TESTS_PLAIN) $(TESTS_SANOB) $(CLI_OBJS) $(FUZZ_LIB_OBJS) \
	$(call objs,fuzz,$(FUZZ_SRCS)))
-include $(ALL_OBJS:.o=.d)
# Keep the fuzz targets' objects (make would delete them as intermediates).
.SECONDARY: $(call objs,fuzz,$(FUZZ_SRCS)) $(FUZZ_LIB_OBJS)

# --- binaries ----------------------------------------------------------------
$(LK_LIB_PLAIN): $(call objs,plain,$(LK_SRCS)) $(SRCLIST)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $(call objs,plain,$(LK_SRCS))

$(LK_LIB_SAN): $(call objs,san,$(LK_SRCS)) $(SRCLIST)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $(call objs,san,$(LK_SRCS))

$(B)/nestmed: $(CLI_OBJS) $(LK_LIB_PLAIN) $(SRCLIST)
	$(call msg,LD,$@)
	$(Q)$(CC) -g -o $@ $(CLI_OBJS) $(LK_LIB_PLAIN) $(CLI_LIBS)

$(B)/nestmed-tests: $(TESTS_PLAIN) $(LK_LIB_PLAIN) $(SRCLIST)
	$(call msg,LD,$@)
	$(Q)$(CC) -g -o $@ $(TESTS_PLAIN) $(LK_LIB_PLAIN) $(CLI_LIBS)

$(B)/nestmed-tests-san: $(TESTS_SANOB) $(LK_LIB_SAN) $(SRCLIST)
	$(call msg,LD,$@)
	$(Q)$(CC) -g $(SAN) -o $@ $(TESTS_SANOB) $(LK_LIB_SAN) $(CLI_LIBS)

$(FUZZ_LIB): $(FUZZ_LIB_OBJS) $(SRCLIST)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $(FUZZ_LIB_OBJS)

$(B)/fuzz/%: $(B)/obj/fuzz/tests/fuzz/%.o $(FUZZ_LIB) | deps-fuzz
	@mkdir -p $(@D)
	$(call msg,LD,$@)
	$(Q)$(CLANG) -g $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB)

# --- tests -------------------------------------------------------------------
# The runner's KTAP goes to the terminal and to build/logs/; its closing
# line "N passed, N failed" is the result.
check-unit: $(B)/nestmed-tests $(B)/nestmed-tests-san
	@mkdir -p $(LOGS)
	@echo "== check-unit: plain ($(OPT))"
	./$(B)/nestmed-tests | tee $(LOGS)/unit.log
	@echo "== check-unit: ASan+UBSan"
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ASAN_OPTIONS=detect_leaks=1 \
		./$(B)/nestmed-tests-san | tee $(LOGS)/unit-san.log
	@echo "check-unit: plain: $$(tail -n 1 $(LOGS)/unit.log); ASan+UBSan: $$(tail -n 1 $(LOGS)/unit-san.log)"

fuzz-smoke: $(FUZZ_BINS)
	scripts/fuzz.sh $(FUZZ_SMOKE_TIME) $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	scripts/fuzz.sh $(FUZZ_TIME) $(FUZZ_BINS)

# kunit's group brings linux-source-6.12, whose checkpatch.pl checks guest/.
modules:
	@scripts/deps.sh modules kunit
	scripts/modules.sh

check-kernel:
	@scripts/deps.sh kunit
	scripts/kunit.sh

# nmdev.ko loaded and unloaded in Debian's 6.12 (the headers' ABI) under
# QEMU/TCG; last line "N passed, N failed" (build/logs/check-qemu.log).
.PHONY: check-qemu
check-qemu: modules
	@scripts/deps.sh qemu
	scripts/qemu-smoke.sh

# Shell tests of the real binary, one log each (build/logs/cli-<name>.log),
# each closing with "N passed, N failed".
CLI_TESTS := $(sort $(wildcard tests/cli/*.sh))
CLI_LOGS  := $(patsubst tests/cli/%.sh,$(LOGS)/cli-%.log,$(CLI_TESTS))
.PHONY: check-cli
check-cli: $(B)/nestmed
	@scripts/deps.sh cli
	@mkdir -p $(LOGS)
	@for t in $(CLI_TESTS); do \
		echo "== check-cli: $$t"; \
		$$t ./$(B)/nestmed | tee $(LOGS)/cli-$$(basename $$t .sh).log || true; \
	done
	@scripts/summary.sh $(CLI_LOGS)

# The last line sums the plain user-space run, the UML run and the
# check-cli scripts (the ASan+UBSan run repeats the plain cases and is not
# added; see docs/build.md).
check: $(B)/nestmed check-unit fuzz-smoke modules check-kernel check-cli check-qemu
	@scripts/summary.sh $(LOGS)/unit.log $(LOGS)/check-kernel.log $(CLI_LOGS) \
		$(LOGS)/check-qemu.log

# --- the program -------------------------------------------------------------
run: $(B)/nestmed
	./$(B)/nestmed run

bench: $(B)/nestmed
	./$(B)/nestmed bench --json

clean:
	rm -rf $(B)

# Also the unpacked kernel headers and the UML source/build tree (~2 GB;
# rebuilding it takes ~5 minutes).
distclean: clean
	rm -rf .deps .kunit-work
