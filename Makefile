# cmup: the two quick-start commands are `make demo` and `make test`.
# Everything installs what is missing first (scripts/install-deps is idempotent).

BUILD      ?= build
ASAN_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan
FUZZ_BUILD ?= build-fuzz
TIDY_BUILD ?= build-tidy
JOBS       ?= $(shell nproc)
CMAKE_ARGS ?=
FUZZ_SECONDS ?= 20
# Names of fuzz/<name>_fuzz.cpp to run (space-separated); empty = all.
FUZZ_TARGETS ?=

.PHONY: all deps build test test-unit test-asan test-tsan test-tidy tidy tidy-configure demo bench fuzz clean format

all: build

deps:
	@bash scripts/install-deps

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_ARGS)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

# Every test: unit, end-to-end (real processes on loopback), browser, three-host, the real
# TDLib (label tdlib, in a network namespace: scripts/install-tdlib); then the
# unit tests again under AddressSanitizer + UndefinedBehaviorSanitizer, the unit tests
# of the threaded code (label "unit-threads") under ThreadSanitizer, and clang-tidy over
# src/ (test-tidy: any finding fails).
#
# clang-tidy runs in the background at the lowest priority (nice 19) while the other steps
# run, and is waited for at the end: the test steps leave most of the 2 cores idle (the
# end-to-end tests mostly wait on processes and sockets), and a niced tidy takes only what
# they leave, so it adds little to the wall time of CI. Its report: $(TIDY_BUILD)/tidy.log.
test: build tidy-configure
	@setsid nice -n 19 $(TIDY_CMD) > $(TIDY_BUILD)/tidy.log 2>&1 & tidy=$$!; \
	trap 'kill -- -'$$tidy' 2>/dev/null || true' EXIT; \
	echo "clang-tidy over src/ runs in the background at nice 19 ($(TIDY_BUILD)/tidy.log)"; \
	(cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 900) && \
	$(MAKE) --no-print-directory test-asan && \
	$(MAKE) --no-print-directory test-tsan || exit 1; \
	echo "waiting for clang-tidy"; \
	if wait $$tidy; then trap - EXIT; echo "clang-tidy: no finding over src/"; \
	else trap - EXIT; cat $(TIDY_BUILD)/tidy.log; echo "clang-tidy found the above in src/ (make tidy to re-run)"; exit 1; fi

test-unit: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -L unit

test-asan: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMUP_SANITIZE=ON $(CMAKE_ARGS)
	cmake --build $(ASAN_BUILD) -j $(JOBS) --target unit_tests
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS) -L unit

# ThreadSanitizer over the unit tests labelled "unit-threads" (tests/CMakeLists.txt: the
# worker, coordinator, HTTP server and bot dispatcher tests), built at -O1 (TSan's usual
# level: much faster to run than -O0, and stacks still name lines). A race fails the run
# (exit code 66). tests/tsan.supp silences third-party code only, each entry with its reason.
test-tsan: deps
	cmake -S . -B $(TSAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMUP_TSAN=ON \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g" $(CMAKE_ARGS)
	cmake --build $(TSAN_BUILD) -j $(JOBS) --target threaded_tests
	cd $(TSAN_BUILD) && TSAN_OPTIONS="second_deadlock_stack=1 suppressions=$(CURDIR)/tests/tsan.supp" \
	  ctest --output-on-failure -j $(JOBS) -L threads

# clang-tidy (.clang-tidy: bugprone, performance, concurrency) over every source in src/;
# any finding fails (WarningsAsErrors). Headers under src/ are checked through the sources
# that include them. It reads the compile commands of its own configuration, $(TIDY_BUILD)
# (configured, never built: clang-tidy only parses), one file per source: $(BUILD) compiles
# src/ in unity batches (CMUP_UNITY), whose compile commands name the batch, not the file.
# `make test` runs it alongside its other steps (see test:), ~13 CPU-minutes.
TIDY_CMD = run-clang-tidy -j $(JOBS) -p $(TIDY_BUILD) -quiet '$(CURDIR)/src/.*\.cpp$$' 2>/dev/null

tidy-configure: deps
	cmake -S . -B $(TIDY_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMUP_UNITY=OFF $(CMAKE_ARGS)

tidy test-tidy: tidy-configure
	$(TIDY_CMD)

demo: build
	./$(BUILD)/cmup demo

bench: build
	bash bench/run $(BUILD)

# Builds only the fuzz targets (and the step libraries they link) with clang + libFuzzer,
# at -O1 with line tables (what OSS-Fuzz uses: compiles much faster than -O2 -g under the
# sanitizers, and stack traces still name file and line), runs each for FUZZ_SECONDS; a finding lands in fuzz/corpus/<name>/ (see fuzz/run). Before
# you stop: when a change touches a parser, run `make fuzz FUZZ_TARGETS=<its target>`.
fuzz: deps
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMUP_FUZZ=ON \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" $(CMAKE_ARGS)
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $(if $(strip $(FUZZ_TARGETS)),$(addprefix fuzz_,$(FUZZ_TARGETS)),fuzz_targets)
	bash fuzz/run $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

format:
	git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD) $(FUZZ_BUILD) $(TIDY_BUILD)
