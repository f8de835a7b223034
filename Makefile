# nestmed: one entry point.  See README.md.
#   make            build everything user-space (build/nestmed, test runners)
#   make check      all tests (plain + ASan/UBSan, fuzz smoke, modules, KUnit kernel)
#   make run        the main job on the simulated platform
#   make bench      nestmed bench --json
#   make modules    kbuild the kernel parts against Debian's linux-headers-6.12
#   make clean

CC      ?= cc
B       := build
WARN    := -Wall -Wextra -Werror -Wno-unused-parameter -Wmissing-prototypes -Wstrict-prototypes
CSTD    := -std=gnu11
INC     := -Iuapi -Ivsva -Ihost -Itests/kunit-user/include
CFLAGS_BASE := $(CSTD) $(WARN) $(INC) -g -D_GNU_SOURCE
OPT     := -O2
SAN     := -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

VSVA_SRCS  := $(sort $(wildcard vsva/*.c))
TEST_SRCS  := $(sort $(wildcard tests/vsva/*.c))
KUNIT_SRCS := tests/kunit-user/kunit.c
CLI_SRCS   := $(sort $(wildcard host/cli/*.c))

HDRS := $(wildcard uapi/nestmed/*.h vsva/*.h host/*.h host/cli/*.h tests/vsva/*.h tests/kunit-user/include/kunit/*.h)

.PHONY: all check check-unit run bench clean
all: $(B)/nestmed $(B)/nestmed-tests $(B)/nestmed-tests-san

$(B)/nestmed: $(CLI_SRCS) $(VSVA_SRCS) $(HDRS) | $(B)
	$(CC) $(CFLAGS_BASE) $(OPT) -o $@ $(CLI_SRCS) $(VSVA_SRCS)

$(B)/nestmed-tests: $(TEST_SRCS) $(VSVA_SRCS) $(KUNIT_SRCS) $(HDRS) | $(B)
	$(CC) $(CFLAGS_BASE) $(OPT) -o $@ $(TEST_SRCS) $(VSVA_SRCS) $(KUNIT_SRCS)

$(B)/nestmed-tests-san: $(TEST_SRCS) $(VSVA_SRCS) $(KUNIT_SRCS) $(HDRS) | $(B)
	$(CC) $(CFLAGS_BASE) $(SAN) -o $@ $(TEST_SRCS) $(VSVA_SRCS) $(KUNIT_SRCS)

$(B):
	mkdir -p $@

check-unit: $(B)/nestmed-tests $(B)/nestmed-tests-san
	./$(B)/nestmed-tests
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ASAN_OPTIONS=detect_leaks=1 ./$(B)/nestmed-tests-san

check: check-unit

run: $(B)/nestmed
	./$(B)/nestmed demo walk

bench: $(B)/nestmed
	./$(B)/nestmed bench --json

clean:
	rm -rf $(B)
