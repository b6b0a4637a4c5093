# rnnlab — build, run, test, fuzz, bench, install.
#
#   make            build ./rnnlab
#   make run        build and start rnnlab
#   make test       build and run every test (SAN=1: with ASan + UBSan)
#   make fuzz       run each libFuzzer target FUZZ_SECONDS (60); FUZZ=npz runs one
#   make bench      training throughput against PyTorch (bench/run.sh)
#   make lessons    every lesson in full, with a table of checks and seconds
#   make lessons-matrix  every lesson's claims on 4 OpenBLAS cores x 5 seeds
#   make soak       30 min of batch training and 10 min of the workbench in
#                   tmux; resident memory must stay flat (bench/soak.sh)
#   make valgrind   memcheck over every suite, a batch and a workbench session
#   make install    install to $(PREFIX)/bin, lessons to $(PREFIX)/share/rnnlab, the man page
#                   (PREFIX=/usr/local, DESTDIR honoured); make uninstall removes exactly that
#   make deb        the Debian package, checked by lintian and a lesson run from it
#   make mutate     mutation testing: each mutant of tests/mutants.txt against the fast suites
#   make cross      compile every source for aarch64 (CROSS=aarch64-linux-gnu-)
#
# Libraries are found with pkg-config. When one is missing on a Debian/Ubuntu
# machine the Makefile installs the Debian package (through sudo when not root)
# and says so; elsewhere it prints what to install. V=1 shows every command.

PKGS      := ncursesw readline openblas cmocka libzip
DEB_PKGS  := pkg-config libncurses-dev libreadline-dev libopenblas-dev libcmocka-dev libzip-dev tmux
PREFIX    ?= /usr/local
VERSION   := 0.1.0

NODEPS_GOALS := clean help distclean
ifeq ($(filter $(NODEPS_GOALS),$(MAKECMDGOALS)),)
MISSING := $(shell for p in $(PKGS); do pkg-config --exists $$p 2>/dev/null || echo $$p; done; \
	     command -v tmux >/dev/null 2>&1 || echo tmux)
ifneq ($(MISSING),)
$(info rnnlab: missing: $(MISSING))
ifneq ($(wildcard /etc/debian_version),)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
$(info rnnlab: installing the Debian packages: $(strip $(SUDO) apt-get install -y $(DEB_PKGS)))
DEPS_RC := $(shell { $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $(DEB_PKGS); } >&2; echo $$?)
ifneq ($(DEPS_RC),0)
$(error rnnlab: apt-get failed (exit $(DEPS_RC)); install by hand: $(DEB_PKGS))
endif
else
$(error rnnlab: install the development packages of: $(MISSING) (Debian names: $(DEB_PKGS)))
endif
endif
endif

PC_CORE := openblas libzip
PC_UI   := ncursesw readline
CORE_CFLAGS := $(shell pkg-config --cflags $(PC_CORE) 2>/dev/null)
CORE_LIBS   := $(shell pkg-config --libs $(PC_CORE) 2>/dev/null) -lm
UI_CFLAGS   := $(shell pkg-config --cflags $(PC_UI) 2>/dev/null)
UI_LIBS     := $(shell pkg-config --libs $(PC_UI) 2>/dev/null)
TEST_CFLAGS := $(shell pkg-config --cflags cmocka 2>/dev/null)
TEST_LIBS   := $(shell pkg-config --libs cmocka 2>/dev/null)

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Wshadow -Wno-unused-parameter
BASE    := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -MMD -MP -DRNNLAB_VERSION='"$(VERSION)"' \
	   -DRNNLAB_SHAREDIR='"$(PREFIX)/share/rnnlab"'
# The gate kernels are written to be vectorised (src/core/kernels.c); -O2 alone
# does not vectorise in GCC 12, and errno-setting libm calls block it.
OPT     := -ftree-vectorize -fvect-cost-model=dynamic -fno-math-errno

ifeq ($(SAN),1)
B        := build/san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
BIN      := $(B)/rnnlab
else
B        := build/rel
SANFLAGS :=
BIN      := rnnlab
endif

ALL_CFLAGS  := $(BASE) $(OPT) $(WARN) $(CFLAGS) $(SANFLAGS)
ALL_LDFLAGS := $(LDFLAGS) $(SANFLAGS)

# src/ in layers, lowest first; a folder's code includes its own headers and
# those of the folders it stands on only (INC_<folder>), so an upward include
# fails to build.  README.md ("Inside") says what each holds.
LAYERS      := base core data render session view cmd
INC_base    := base
INC_core    := core base
INC_data    := data core base
INC_render  := render base
INC_session := session render data core base
INC_view    := view render session data core base
INC_cmd     := cmd view render session data core base
SRC_C   := $(foreach l,$(LAYERS),$(wildcard src/$(l)/*.c))
ALL_INC := $(LAYERS:%=-Isrc/%)
# The include path of src/LAYER/FILE.c.
layer_inc = $(foreach l,$(INC_$(word 2,$(subst /, ,$(1)))),-Isrc/$(l))
UI_C    := $(wildcard ui/*.c)
TEST_C  := $(wildcard tests/test_*.c)
SRC_O   := $(SRC_C:%.c=$(B)/%.o)
UI_O    := $(UI_C:%.c=$(B)/%.o)
TEST_O  := $(TEST_C:%.c=$(B)/%.o)
TESTS   := $(TEST_C:tests/%.c=$(B)/tests/%)
CORE_A  := $(B)/librnnlab.a
FUZZ_NAMES := cmd npy npz session csv text lab
REPLAYS := $(FUZZ_NAMES:%=$(B)/fuzz/replay_%)

ifeq ($(V),1)
Q :=
else
Q := @
endif

MANPAGE  := $(B)/rnnlab.1

.PHONY: all run test bench install uninstall deb mutate clean help lessons lessons-matrix soak valgrind cross
all: $(BIN) $(MANPAGE)

# The objects that hold $(PREFIX) (RNNLAB_SHAREDIR) are rebuilt when it
# changes: the stamp holds the prefix and is rewritten when it differs.
PREFIX_STAMP := $(B)/prefix.stamp
ifneq ($(shell cat $(PREFIX_STAMP) 2>/dev/null),$(PREFIX))
$(shell mkdir -p $(B) && printf '%s\n' '$(PREFIX)' >$(PREFIX_STAMP))
endif
$(B)/src/base/fileutil.o $(B)/src/data/data_file.o $(B)/src/session/lessons.o $(B)/tests/test_data_files.o: \
	$(PREFIX_STAMP)

# src/ sees only the core libraries: a stray curses or readline include fails here.
$(B)/src/%.o: src/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(call layer_inc,$<) $(CORE_CFLAGS) -c -o $@ $<

$(B)/ui/%.o: ui/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_INC) $(CORE_CFLAGS) $(UI_CFLAGS) -c -o $@ $<

$(B)/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_INC) $(CORE_CFLAGS) $(TEST_CFLAGS) -c -o $@ $<

$(CORE_A): $(SRC_O)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(BIN): $(UI_O) $(CORE_A)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(UI_O) $(CORE_A) $(UI_LIBS) $(CORE_LIBS)

$(B)/tests/%: $(B)/tests/%.o $(CORE_A)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(CORE_A) $(TEST_LIBS) $(CORE_LIBS)

run: $(BIN)
	./$(BIN)

# Every part runs from the top of the tree (fixtures are read from tests/),
# two at a time on two cores (TEST_JOBS=N to change): tests/run.sh prints each
# part's output whole, then the total time and the five slowest parts.
# OpenBLAS is held to one thread so results are reproducible and small GEMMs
# fast.  The fuzz replay runs each target's seed corpus and crash inputs.
test: $(BIN) $(TESTS) $(REPLAYS)
	$(Q)bash tests/run.sh $(B) ./$(BIN)

bench: $(BIN)
	RNNLAB_BIN=./$(BIN) sh bench/run.sh

# Every lesson in full, with a table: lesson, checks passed, seconds.
lessons: $(BIN)
	RNNLAB_FAST=0 RNNLAB_BIN=./$(BIN) sh tests/lessons.sh

# Every lesson's claims on four OpenBLAS cores x five seeds, with a table of
# measured values against the claims (tests/lessons-matrix.sh; ~55 minutes).
lessons-matrix: $(BIN)
	RNNLAB_BIN=./$(BIN) bash tests/lessons-matrix.sh

# Long runs: resident memory sampled every 10 s must stay flat.
SOAK_MINUTES ?= 30
SOAK_TUI_MINUTES ?= 10
soak: $(BIN)
	RNNLAB_BIN=./$(BIN) sh bench/soak.sh batch $(SOAK_MINUTES)
	RNNLAB_BIN=./$(BIN) sh bench/soak.sh tui $(SOAK_TUI_MINUTES)

valgrind: $(BIN) $(TESTS)
	RNNLAB_BIN=./$(BIN) sh bench/valgrind.sh

# The lessons and their data go to $(PREFIX)/share/rnnlab/scenarios, where
# the binary looks (RNNLAB_SHAREDIR): `lesson 3` works from any directory.
# The manual page comes from the binary (rnnlab --man: the command table and
# the help texts), so it cannot drift from `help`.
SHAREDIR := $(PREFIX)/share/rnnlab
$(MANPAGE): $(BIN)
	@$(if $(Q),echo "  MAN     $@")
	$(Q)./$(BIN) --man >$@.tmp && mv $@.tmp $@
INSTALLED = $(PREFIX)/bin/rnnlab $(PREFIX)/share/man/man1/rnnlab.1 $(PREFIX)/share/doc/rnnlab/README.md \
	$(PREFIX)/share/bash-completion/completions/rnnlab \
	$(addprefix $(SHAREDIR)/scenarios/,$(notdir $(wildcard scenarios/*.lab))) \
	$(addprefix $(SHAREDIR)/scenarios/data/,$(notdir $(wildcard scenarios/data/*)))
install: $(BIN) $(MANPAGE)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(SHAREDIR)/scenarios/data $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/doc/rnnlab $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 644 completion/rnnlab.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/rnnlab
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/rnnlab
	install -m 644 $(MANPAGE) $(DESTDIR)$(PREFIX)/share/man/man1/rnnlab.1
	install -m 644 README.md $(DESTDIR)$(PREFIX)/share/doc/rnnlab/README.md
	install -m 644 scenarios/*.lab $(DESTDIR)$(SHAREDIR)/scenarios
	install -m 644 $$(find scenarios/data -maxdepth 1 -type f) $(DESTDIR)$(SHAREDIR)/scenarios/data

# The Debian package (build/deb/rnnlab_VERSION_ARCH.deb), checked by lintian
# and by a lesson run from its unpacked files (tests/deb.sh).  Installs the
# Debian packaging tools when they are missing.
DEB_TOOLS := debhelper dpkg-dev fakeroot lintian
deb:
	@command -v dh >/dev/null 2>&1 && command -v lintian >/dev/null 2>&1 || { \
	  echo "rnnlab: installing $(DEB_TOOLS)"; \
	  $$([ "$$(id -u)" = 0 ] || echo sudo) apt-get install -y -q $(DEB_TOOLS); }
	sh tests/deb.sh $(VERSION)

# Mutation testing (tests/mutate.sh, tests/mutants.txt): each mutant alone,
# against the fast suites; MUTANTS="1 3" picks entries.  Not part of test.
mutate:
	sh tests/mutate.sh

# Exactly what install put there, and the directories it made when empty.
uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	@for d in $(DESTDIR)$(SHAREDIR)/scenarios/data $(DESTDIR)$(SHAREDIR)/scenarios $(DESTDIR)$(SHAREDIR) \
	  $(DESTDIR)$(PREFIX)/share/doc/rnnlab; do \
	  [ ! -d "$$d" ] || rmdir "$$d" 2>/dev/null || echo "rnnlab: kept $$d: it holds files install did not put there"; done

# Compile every source for another architecture (no link: the target's
# libraries are not here): make cross CROSS=aarch64-linux-gnu-  (Debian:
# gcc-aarch64-linux-gnu).  The headers are this machine's; what it checks is
# that the code (SIMD paths, the subnormal mode) builds for the target.
CROSS ?= aarch64-linux-gnu-
XB := build/cross-$(CROSS:%-=%)
cross:
	@command -v $(CROSS)gcc >/dev/null || { echo "make cross: $(CROSS)gcc not found (apt-get install gcc-$(CROSS:%-=%))"; exit 1; }
	@mkdir -p $(XB)
	$(Q)fail=0; for f in $(SRC_C); do \
	  $(CROSS)gcc $(BASE) $(OPT) $(WARN) -Werror $(CFLAGS) $$(for l in $$(case $$f in src/base/*) echo $(INC_base);; src/core/*) echo $(INC_core);; src/data/*) echo $(INC_data);; src/render/*) echo $(INC_render);; src/session/*) echo $(INC_session);; src/view/*) echo $(INC_view);; *) echo $(INC_cmd);; esac); do printf ' -Isrc/%s' $$l; done) $(CORE_CFLAGS) -c -o $(XB)/$$(basename $$f .c).o $$f || fail=1; \
	done; for f in $(UI_C); do \
	  $(CROSS)gcc $(BASE) $(OPT) $(WARN) -Werror $(CFLAGS) $(ALL_INC) $(CORE_CFLAGS) $(UI_CFLAGS) -c -o $(XB)/ui_$$(basename $$f .c).o $$f || fail=1; \
	done; [ $$fail = 0 ] && echo "make cross: $(words $(SRC_C) $(UI_C)) files compiled for $(CROSS:%-=%)"

clean:
	rm -rf build rnnlab

help:
	@sed -n '2,19p' Makefile | sed 's/^# \{0,1\}//'

# ---- fuzzing -----------------------------------------------------------
# One libFuzzer target per input surface: tests/fuzz/fuzz_<name>.c.  `make fuzz`
# builds them with clang (build/fuzz) and runs each for FUZZ_SECONDS; new corpus
# entries go to build/fuzz/corpus/<name> (seeds: tests/fuzz/corpus/<name>), crash
# inputs to tests/fuzz/crashes/<name>, kept forever.  `make test` replays the
# seeds and every crash input through each target linked with tests/fuzz/replay.c
# by the normal compiler (ASan + UBSan under SAN=1); no clang needed there.
FUZZ         ?= $(FUZZ_NAMES)
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_ARGS    ?=
FZ           := build/fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS  := $(BASE) $(WARN) $(CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_SRC_O   := $(SRC_C:%.c=$(FZ)/%.o)
FUZZ_LIBA    := $(FZ)/librnnlab.a
# the longest input libFuzzer makes for each target
FUZZ_LEN_cmd := 2048
FUZZ_LEN_lab := 4096
FUZZ_LEN_npy := 4096
FUZZ_LEN_npz := 65536
FUZZ_LEN_session := 65536
FUZZ_LEN_csv := 8192
FUZZ_LEN_text := 8192
FUZZ_DICT_cmd := -dict=$(CURDIR)/tests/fuzz/cmd.dict
FUZZ_DICT_lab := -dict=$(CURDIR)/tests/fuzz/cmd.dict
FUZZ_DICT_session := -dict=$(CURDIR)/tests/fuzz/cmd.dict

.PHONY: fuzz fuzz-build
fuzz: $(FUZZ:%=fuzz-run-%)
fuzz-build: $(FUZZ:%=$(FZ)/fuzz_%)

$(FZ)/src/%.o: src/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  FUZZCC  $<")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(call layer_inc,$<) $(CORE_CFLAGS) -c -o $@ $<

$(FZ)/tests/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  FUZZCC  $<")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -DFUZZ_LIBFUZZER $(ALL_INC) $(CORE_CFLAGS) -c -o $@ $<

$(FUZZ_LIBA): $(FUZZ_SRC_O)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(FZ)/fuzz_%: $(FZ)/tests/fuzz/fuzz_%.o $(FUZZ_LIBA)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(FUZZ_CC) $(LDFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIBA) $(CORE_LIBS)

# Absolute paths: the targets work in a private directory under build/fuzz/tmp.
# The log is build/fuzz/fuzz_<name>.log; the summary is libFuzzer's last status
# line.  FUZZ_ARGS adds libFuzzer options, e.g. to go on past known crashes:
#   make fuzz FUZZ=cmd FUZZ_ARGS='-fork=1 -ignore_crashes=1'
fuzz-run-%: $(FZ)/fuzz_%
	@mkdir -p $(FZ)/corpus/$* tests/fuzz/crashes/$*
	@rm -rf $(FZ)/tmp/$* && mkdir -p $(FZ)/tmp/$*
	@echo "  FUZZ    $* for $(FUZZ_SECONDS)s (log: $(FZ)/fuzz_$*.log)"
	$(Q)OPENBLAS_NUM_THREADS=1 RNNLAB_DATA=$(CURDIR)/scenarios/data TMPDIR=$(CURDIR)/$(FZ)/tmp/$* \
	  $(CURDIR)/$< -max_total_time=$(FUZZ_SECONDS) -max_len=$(FUZZ_LEN_$*) -timeout=30 -rss_limit_mb=3072 \
	  -print_final_stats=1 $(FUZZ_DICT_$*) -artifact_prefix=$(CURDIR)/tests/fuzz/crashes/$*/ $(FUZZ_ARGS) \
	  $(CURDIR)/$(FZ)/corpus/$* $(CURDIR)/tests/fuzz/corpus/$* >$(FZ)/fuzz_$*.log 2>&1; rc=$$?; \
	  grep -a -E '^#[0-9]+' $(FZ)/fuzz_$*.log | tail -1 | sed 's/^/  fuzz_$*: /'; \
	  grep -a -E '^stat::number_of_executed_units' $(FZ)/fuzz_$*.log | sed 's/^/  fuzz_$*: /'; \
	  if [ $$rc != 0 ]; then echo "  fuzz_$*: FOUND A CRASH (exit $$rc): see $(FZ)/fuzz_$*.log and tests/fuzz/crashes/$*/"; exit 1; fi

# The replay: normal compiler, $(B) (so SAN=1 builds it with the sanitizers).
$(B)/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_INC) $(CORE_CFLAGS) -c -o $@ $<

$(B)/fuzz/replay_%: $(B)/fuzz/replay.o $(B)/fuzz/fuzz_%.o $(CORE_A)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(B)/fuzz/replay.o $(B)/fuzz/fuzz_$*.o $(CORE_A) $(CORE_LIBS)

-include $(SRC_O:.o=.d) $(UI_O:.o=.d) $(TEST_O:.o=.d)
-include $(FUZZ_SRC_O:.o=.d) $(wildcard $(FZ)/tests/fuzz/*.d $(B)/fuzz/*.d)
.SECONDARY:
