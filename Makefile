# vetter - top-level convenience targets around Meson + Ninja.
#
#   make demo    install missing Debian packages, build, build the sample firmware, review it
#   make check   install, build, run every test (then again under ASan+UBSan, then fuzz smoke)
#   make bench   side-by-side benchmarks (bench/)
#   make fuzz    run every libFuzzer harness for FUZZ_SECONDS each
#   make install install into PREFIX (default /usr/local)

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
PREFIX     ?= /usr/local
FUZZ_SECONDS ?= 300
FUZZ_SMOKE_SECONDS ?= 5
DEMO_DIR   ?= $(BUILD)/demo
MESON_TEST = meson test --print-errorlogs --num-processes 2

.PHONY: all deps build demo check test test-asan fuzz-build fuzz-smoke fuzz bench install clean

all: build

deps:
	@scripts/install-deps

$(BUILD)/build.ninja:
	meson setup $(BUILD) --prefix=$(PREFIX) -Dwerror=true

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

demo: build
	scripts/make-sample-firmware $(DEMO_DIR)
	rm -rf $(DEMO_DIR)/extracted
	$(BUILD)/cli/vetter extract -q -o $(DEMO_DIR)/extracted $(DEMO_DIR)/acme-router-1.0.bin
	$(BUILD)/cli/vetter scan --no-progress $(DEMO_DIR)/acme-router-1.0.bin -o $(DEMO_DIR)/report.json
	$(BUILD)/cli/vetter scan --no-progress -q --sbom cyclonedx -o $(DEMO_DIR)/sbom.cdx.json \
		$(DEMO_DIR)/acme-router-1.0.bin
	$(BUILD)/cli/vetter scan --no-progress -q --sbom spdx -o $(DEMO_DIR)/sbom.spdx.json \
		$(DEMO_DIR)/acme-router-1.0.bin
	@echo "demo: reports in $(DEMO_DIR): report.json (complete), sbom.cdx.json, sbom.spdx.json"

test: build
	$(MESON_TEST) -C $(BUILD)

$(ASAN_BUILD)/build.ninja:
	meson setup $(ASAN_BUILD) -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false \
		-Dbuildtype=debug

test-asan: deps $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)
	VETTER_SANITIZED=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 $(MESON_TEST) -C $(ASAN_BUILD)

$(FUZZ_BUILD)/build.ninja:
	CC=clang meson setup $(FUZZ_BUILD) -Dfuzz=true -Dtests=false -Db_sanitize=address,undefined \
		-Db_lundef=false -Dbuildtype=debugoptimized -Dc_args=-fsanitize=fuzzer-no-link

fuzz-build: deps $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD)

fuzz-smoke: fuzz-build
	scripts/run-fuzzers $(FUZZ_BUILD) $(FUZZ_SMOKE_SECONDS)

fuzz: fuzz-build
	scripts/run-fuzzers $(FUZZ_BUILD) $(FUZZ_SECONDS)

check: test test-asan fuzz-smoke

bench: build
	@for b in bench/*.sh; do echo "== $$b"; $$b $(BUILD)/cli/vetter || exit 1; done

install: build
	meson install -C $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
