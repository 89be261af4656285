# SPDX-License-Identifier: GPL-2.0
#
# ovlnet top-level Makefile.
#
#   make                 module for KVER (default: running kernel, else newest
#                        installed Debian headers) and the iproute2 plugins
#   make check           deps + build for every target kernel + KUnit + VM
#                        selftests on every target kernel + quick bench;
#                        last line
#                        "N passed, N failed"
#   make check-debug     the debug kernel (KASAN, UBSAN, lockdep, PROVE_RCU,
#                        kmemleak; built once into $(CACHE)/debug-kernel), the
#                        VM selftests on it, KUnit under KASAN+UBSAN
#   make selftests KVER=... T=name   VM selftests by hand
#   make kunit           KUnit suites in UML
#   make demo            the seeds' picture, narrated, in a VM
#   make bench [QUICK=1] side-by-side performance against in-tree drivers
#   make deb             ovlnet-dkms and ovlnet-tools .debs into $(DEBOUT)
#                        (dpkg-buildpackage from a clean export of HEAD's
#                        tree plus the working tree's changes), then lintian
#   make check-deb       the Debian packages: build, lintian, install (DKMS),
#                        guest smoke test, purge (selftests/deb-test.sh)
#   make check-kernels   the whole VM suite on the -rt and -cloud flavours

SHELL := /bin/bash
TOP := $(CURDIR)

KVER ?= $(shell $(TOP)/tools/kvers.sh default)
KDIR ?= /lib/modules/$(KVER)/build
CACHE ?= $(or $(OVLNET_CACHE),$(HOME)/.cache/ovlnet)
export CACHE
DEBOUT ?= $(TOP)/build/deb

.PHONY: all module tools clean install deps check check-debug selftests kunit \
	demo bench deb check-deb check-kernels \
	style sparse modules_install

all: module tools

module:
	$(MAKE) -C $(KDIR) M=$(TOP) modules

tools:
	$(MAKE) -C tools

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean
	$(MAKE) -C tools clean

modules_install: module
	$(MAKE) -C $(KDIR) M=$(TOP) modules_install
	depmod -a $(KVER)

install: modules_install tools
	$(MAKE) -C tools install

deps:
	$(TOP)/tools/deps.sh

style:
	$(TOP)/tools/style.sh

sparse:
	$(MAKE) -C $(KDIR) M=$(TOP) C=2 W=1 modules

check:
	$(TOP)/selftests/check.sh

check-debug:
	$(TOP)/selftests/check.sh --debug

selftests:
	$(TOP)/tools/deps.sh --quiet
	$(TOP)/selftests/vm/run.sh --kver $(KVER) $(if $(T),--tests "$(T)")

kunit:
	$(TOP)/tools/deps.sh --quiet
	$(TOP)/selftests/kunit/run.sh

demo:
	$(TOP)/tools/deps.sh --quiet
	$(TOP)/selftests/vm/run.sh --kver $(KVER) --demo

bench:
	$(TOP)/tools/deps.sh --quiet
	$(TOP)/selftests/bench/run.sh $(if $(QUICK),--quick)

deb:
	$(TOP)/tools/deps.sh --quiet
	$(TOP)/tools/make-deb.sh $(DEBOUT)

check-deb:
	$(TOP)/tools/deps.sh --quiet
	$(TOP)/selftests/deb-test.sh

check-kernels:
	$(TOP)/tools/deps.sh --quiet
	$(TOP)/selftests/check-kernels.sh $(if $(T),--tests "$(T)")
