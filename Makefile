# rnnlab — build, run, test, bench, install.
#
#   make            build ./rnnlab
#   make run        build and start rnnlab
#   make test       build and run every test (SAN=1: with ASan + UBSan)
#   make bench      training throughput at the reference configurations
#   make install    install to $(PREFIX)/bin (PREFIX=/usr/local)
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
BASE    := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -MMD -MP -DRNNLAB_VERSION='"$(VERSION)"'
# The gate kernels are written to be vectorised (src/kernels.c); -O2 alone
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

SRC_C   := $(wildcard src/*.c)
UI_C    := $(wildcard ui/*.c)
TEST_C  := $(wildcard tests/test_*.c)
SRC_O   := $(SRC_C:%.c=$(B)/%.o)
UI_O    := $(UI_C:%.c=$(B)/%.o)
TEST_O  := $(TEST_C:%.c=$(B)/%.o)
TESTS   := $(TEST_C:tests/%.c=$(B)/tests/%)
CORE_A  := $(B)/librnnlab.a

ifeq ($(V),1)
Q :=
else
Q := @
endif

.PHONY: all run test bench install clean help lessons
all: $(BIN)

# src/ sees only the core libraries: a stray curses or readline include fails here.
$(B)/src/%.o: src/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(CORE_CFLAGS) -c -o $@ $<

$(B)/ui/%.o: ui/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -Isrc $(CORE_CFLAGS) $(UI_CFLAGS) -c -o $@ $<

$(B)/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -Isrc $(CORE_CFLAGS) $(TEST_CFLAGS) -c -o $@ $<

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

# Every test binary runs from the top of the tree (fixtures are read from tests/).
# OpenBLAS is held to one thread so results are reproducible and small GEMMs fast.
test: $(BIN) $(TESTS)
	$(Q)fail=0; for t in $(TESTS); do \
	  echo "== $$t"; \
	  OPENBLAS_NUM_THREADS=1 RNNLAB_BIN=./$(BIN) $$t || fail=1; \
	done; \
	for s in tests/*.sh; do [ -e "$$s" ] || continue; \
	  echo "== $$s"; RNNLAB_BIN=./$(BIN) sh $$s || fail=1; \
	done; \
	if [ $$fail = 0 ]; then echo "make test: all passed"; else echo "make test: FAILED"; exit 1; fi

bench: $(BIN)
	@for c in lstm gru rnn; do for h in 64 128 256; do \
	  printf '%s hidden=%s: ' $$c $$h; ./$(BIN) --bench cell=$$c in=$$h hidden=$$h batch=32 seq=64 steps=30 | tail -1; \
	done; done

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/rnnlab

clean:
	rm -rf build rnnlab

help:
	@sed -n '2,12p' Makefile | sed 's/^# \{0,1\}//'

-include $(SRC_O:.o=.d) $(UI_O:.o=.d) $(TEST_O:.o=.d)
.SECONDARY:
