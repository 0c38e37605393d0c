# braid: the two commands a new user runs are `make demo` and `make test`.
# Every target installs what is missing first (scripts/install-deps), then configures and builds.

JOBS      ?= $(shell nproc)
CI        ?=
WERROR    := $(if $(filter true 1 yes,$(CI)),ON,OFF)
GENERATOR := -G Ninja
CMAKE_COMMON := $(GENERATOR) -DBRAID_WERROR=$(WERROR)
# Sanitizer builds: -O1 (what the sanitizers recommend) and line tables only (symbolized stacks
# with file:line), which compiles much faster than -O2 -g and keeps .ci/run inside its budget.
SANITIZER_FLAGS := -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only"
# CTest output: show failures in full; run tests in parallel.
CTEST := ctest --output-on-failure -j $(JOBS)

.PHONY: all deps build demo test test-release test-asan test-tsan fuzz bench clean help

all: build

help:
	@echo "make demo   - install dependencies, build, run the demo end to end"
	@echo "make test   - install dependencies, build, run every test (Release, ASan+UBSan, TSan)"
	@echo "make build  - Release build of the program: build/release/braid"
	@echo "make bench  - build and run the micro benchmarks"

deps:
	@scripts/install-deps

build/release/build.ninja:
	cmake -S . -B build/release $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Release

# The program only (what `make demo` runs): tests and benchmarks build under `make test` and `make bench`.
build: deps build/release/build.ninja
	cmake --build build/release -j $(JOBS) --target braid

build/asan/build.ninja:
	cmake -S . -B build/asan $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(SANITIZER_FLAGS) \
	  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
	  -DBRAID_SANITIZE=address -DBRAID_BUILD_BENCH=OFF -DBRAID_BUILD_FUZZ=ON

build/tsan/build.ninja:
	cmake -S . -B build/tsan $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(SANITIZER_FLAGS) \
	  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
	  -DBRAID_SANITIZE=thread -DBRAID_BUILD_BENCH=OFF

demo: build
	@scripts/demo

test: test-release test-asan test-tsan
	@echo "make test: all passed"

test-release: deps build/release/build.ninja
	cmake --build build/release -j $(JOBS)
	cd build/release && $(CTEST)

# Unit and SQL logic tests again under AddressSanitizer + UndefinedBehaviorSanitizer, then every fuzz target
# for FUZZ_SECONDS each (same build: the libraries carry libFuzzer's coverage instrumentation).
FUZZ_SECONDS ?= 10
test-asan: deps build/asan/build.ninja
	cmake --build build/asan -j $(JOBS) --target braid_unit_tests braid_sqllogictest braid_fuzzers
	cd build/asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 $(CTEST) -L 'unit|sql'
	scripts/run-fuzzers build/asan $(FUZZ_SECONDS)

# Concurrency tests under ThreadSanitizer.
test-tsan: deps build/tsan/build.ninja
	cmake --build build/tsan -j $(JOBS) --target braid_concurrency_tests
	cd build/tsan && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" $(CTEST) -L concurrency

fuzz: deps build/asan/build.ninja
	cmake --build build/asan -j $(JOBS) --target braid_fuzzers
	scripts/run-fuzzers build/asan $(FUZZ_SECONDS)

bench: deps build/release/build.ninja
	cmake --build build/release -j $(JOBS) --target braid braid_micro_bench braid_format_bench braid_csv_scan braid_delta_bench
	build/release/bench/braid_micro_bench

clean:
	rm -rf build
